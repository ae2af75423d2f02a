using Lightshield.Agent.OnAccess.Native;
using static Lightshield.Agent.OnAccess.Native.FanotifyConstants;

namespace Lightshield.Agent.OnAccess;

/// <summary>The reader thread's side: sort each event, answer the cheap cases at once, hand the rest over.</summary>
public sealed partial class FanotifyGuard
{
    private void OnEvent(in FanotifyEventMetadata metadata)
    {
        Interlocked.Increment(ref _counters.Events);
        if ((metadata.Mask & FanQueueOverflow) != 0)
        {
            Interlocked.Increment(ref _counters.Overflows);
            LogOffReader(static (logger, _) => OnAccessLog.QueueOverflow(logger), 0);
        }
        if (metadata.Fd < 0)
        {
            return;
        }
        if ((metadata.Mask & PermissionEvents) != 0)
        {
            OnPermissionEvent(metadata);
        }
        else if ((metadata.Mask & FanCloseWrite) != 0)
        {
            OnCloseWrite(metadata);
        }
        else
        {
            _ = LibC.Close(metadata.Fd);
        }
    }

    private void OnPermissionEvent(in FanotifyEventMetadata metadata)
    {
        var fd = metadata.Fd;
        if (metadata.Pid == _ownProcessId)
        {
            Interlocked.Increment(ref _counters.OwnProcessSkips);
            AnswerAtOnce(fd, AccessDecision.Allow);
            return;
        }
        PermissionEvent? permission = null;
        try
        {
            var path = _views!.PathOf(fd);
            if (path is null || !_scope.IsProtected(path) || _scope.IsPathExcluded(path))
            {
                Interlocked.Increment(ref _counters.Excluded);
                AnswerAtOnce(fd, AccessDecision.Allow);
                return;
            }
            var kind = (metadata.Mask & FanOpenExecPerm) != 0 ? OnAccessEventKind.Execute : OnAccessEventKind.Open;
            permission = new PermissionEvent(Interlocked.Increment(ref _nextEventId), fd, metadata.Pid, path, kind,
                _scope.FailPolicyFor(path), _time.GetTimestamp() + _timeoutTicks);
            _pending.Add(permission);
            if (!_decisionThreads.Dispatch(permission))
            {
                TryAnswer(permission, AccessDecision.Allow);
            }
        }
        catch (Exception exception)
        {
            // Whatever went wrong, the opener must not wait: answer once and keep reading.
            LogOffReader(static (logger, e) => OnAccessLog.EventFailed(logger, e), exception);
            if (permission is null)
            {
                AnswerAtOnce(fd, AccessDecision.Allow);
            }
            else
            {
                TryAnswer(permission, AccessDecision.Allow);
            }
        }
    }

    private void OnCloseWrite(in FanotifyEventMetadata metadata)
    {
        try
        {
            if (metadata.Pid == _ownProcessId)
            {
                Interlocked.Increment(ref _counters.OwnProcessSkips);
                return;
            }
            var path = _views!.PathOf(metadata.Fd);
            if (path is null || !_scope.IsProtected(path) || _scope.IsPathExcluded(path)
                // The writer may exit at any moment: look at it now, not on the hook's queue.
                || (_scope.HasProcessExclusions && _scope.IsProcessExcluded(ProcessIdentity.Read(metadata.Pid))))
            {
                Interlocked.Increment(ref _counters.Excluded);
                return;
            }
            if (_closeWrites is not { } queue)
            {
                return;
            }
            if (queue.TryEnqueue(path, out var firstDrop, out var recovered))
            {
                if (recovered > 0)
                {
                    LogOffReader(static (logger, n) => OnAccessLog.CloseWriteRecovered(logger, n), recovered);
                }
            }
            else if (firstDrop)
            {
                LogOffReader(static (logger, p) => OnAccessLog.CloseWriteDropping(logger, p.Capacity, p.Path),
                    (Capacity: _options.CloseWriteQueueCapacity, Path: path));
            }
        }
        catch (Exception exception)
        {
            LogOffReader(static (logger, e) => OnAccessLog.EventFailed(logger, e), exception);
        }
        finally
        {
            _ = LibC.Close(metadata.Fd);
        }
    }

    /// <summary>Answers a permission event that never became a <see cref="PermissionEvent"/>, and closes its
    /// descriptor.</summary>
    private void AnswerAtOnce(int fd, AccessDecision decision)
    {
        Interlocked.Increment(ref decision == AccessDecision.Deny ? ref _counters.Denied : ref _counters.Allowed);
        _ = _group!.Respond(fd, decision);
        _ = LibC.Close(fd);
    }
}
