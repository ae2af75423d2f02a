namespace Lightshield.Agent.OnAccess;

/// <summary>The decision threads, the deadline, and the one response per permission event. Decisions run on
/// dedicated threads rather than the thread pool, so a starved pool delays no open; a decision that completes
/// synchronously (a cached verdict) is answered on the spot.</summary>
public sealed partial class FanotifyGuard
{
    private void DecideSafely(PermissionEvent permission)
    {
        try
        {
            Decide(permission);
        }
        catch (Exception exception)
        {
            // A fault here (not in the decision, which Decide handles) must not leave the opener waiting.
            OnAccessLog.EventFailed(_logger, exception);
            TryAnswer(permission, AccessDecision.Allow);
        }
    }

    private void Decide(PermissionEvent permission)
    {
        if (permission.IsAnswered)
        {
            permission.Dispose();
            return;
        }
        ValueTask<AccessDecision> pending;
        string? process = null;
        try
        {
            var identity = ProcessIdentity.Read(permission.Pid);
            process = identity.Name ?? identity.ExecutablePath;
            if (_scope.HasProcessExclusions && _scope.IsProcessExcluded(identity))
            {
                TryAnswer(permission, AccessDecision.Allow, AnswerReason.Excluded);
                permission.Dispose();
                return;
            }
            var request = new OnAccessRequest(permission.Path, permission.Pid, identity.Name, identity.ExecutablePath,
                permission.File, permission.Kind);
            pending = _decide!(request, permission.Token);
        }
        catch (Exception exception)
        {
            Finish(permission, process, Task.FromException<AccessDecision>(exception));
            return;
        }
        if (pending.IsCompletedSuccessfully)
        {
            Finish(permission, process, pending.Result);
            return;
        }
        var task = pending.AsTask();
        // Wait here until the deadline at most: a decision that hangs must not hold this thread for good.
        var remaining = _time.GetElapsedTime(_time.GetTimestamp(), permission.Deadline);
        if (remaining > TimeSpan.Zero)
        {
            try
            {
                task.Wait(remaining);
            }
            catch (AggregateException)
            {
                // Looked at below.
            }
        }
        if (task.IsCompleted)
        {
            Finish(permission, process, task);
            return;
        }
        _ = task.ContinueWith(
            (late, state) => Finish((PermissionEvent)state!, process, late),
            permission,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>The decision has ended: answer with its result, or with the fail policy when it failed (a
    /// cancellation after the deadline or the stop is no failure: they answered already).</summary>
    private void Finish(PermissionEvent permission, string? process, Task<AccessDecision> decision)
    {
        if (decision.IsCompletedSuccessfully)
        {
            Finish(permission, process, decision.Result);
            return;
        }
        try
        {
            if (decision.IsCanceled && permission.Token.IsCancellationRequested)
            {
                return;
            }
            var exception = decision.Exception?.InnerException
                ?? new OperationCanceledException("The on-access decision was cancelled.");
            if (exception is OperationCanceledException && permission.Token.IsCancellationRequested)
            {
                return;
            }
            var fallback = FailDecision(permission.FailPolicy);
            if (TryAnswer(permission, fallback, AnswerReason.DecisionError))
            {
                OnAccessLog.DecisionFailed(_logger, exception, permission.Path, permission.Pid, fallback, permission.FailPolicy);
            }
        }
        finally
        {
            permission.Dispose();
        }
    }

    private void Finish(PermissionEvent permission, string? process, AccessDecision decision)
    {
        if (!TryAnswer(permission, decision))
        {
            OnAccessLog.LateDecision(_logger, permission.Path, decision);
        }
        else if (decision == AccessDecision.Deny)
        {
            OnAccessLog.Denied(_logger, permission.Path, process, permission.Pid);
        }
        permission.Dispose();
    }

    /// <summary>Runs on the deadline thread: answer with the fail policy, then tell the decision to give up (on the
    /// pool, so a slow cancellation callback cannot delay other deadlines).</summary>
    private void OnDeadline(PermissionEvent permission)
    {
        var fallback = FailDecision(permission.FailPolicy);
        if (TryAnswer(permission, fallback, AnswerReason.Timeout))
        {
            OnAccessLog.DecisionTimedOut(_logger, permission.Path, permission.Pid,
                _options.DecisionTimeout.TotalMilliseconds, fallback, permission.FailPolicy);
            ThreadPool.UnsafeQueueUserWorkItem(static p => p.Abandon(), permission, preferLocal: false);
        }
    }

    /// <summary>Writes the one response of <paramref name="permission"/> and closes its descriptor, unless someone
    /// else already did. Counters move before the response, so whoever sees the open end sees them.</summary>
    private bool TryAnswer(PermissionEvent permission, AccessDecision decision, AnswerReason reason = AnswerReason.Decision)
    {
        if (!permission.TryClaim())
        {
            return false;
        }
        switch (reason)
        {
            case AnswerReason.Timeout:
                Interlocked.Increment(ref _counters.Timeouts);
                break;
            case AnswerReason.DecisionError:
                Interlocked.Increment(ref _counters.DecisionErrors);
                break;
            case AnswerReason.Excluded:
                Interlocked.Increment(ref _counters.Excluded);
                break;
        }
        Interlocked.Increment(ref decision == AccessDecision.Deny ? ref _counters.Denied : ref _counters.Allowed);
        var errno = _group!.Respond(permission.Fd, decision);
        permission.File.Dispose();
        _pending.Remove(permission);
        if (errno > 0)
        {
            OnAccessLog.ResponseFailed(_logger, permission.Path, errno);
        }
        return true;
    }

    private static AccessDecision FailDecision(FailPolicy policy) =>
        policy == FailPolicy.FailClosed ? AccessDecision.Deny : AccessDecision.Allow;

    private enum AnswerReason
    {
        Decision,
        Timeout,
        DecisionError,
        Excluded,
        Stop,
    }
}
