using System.Runtime.InteropServices;

namespace Lightshield.Agent.OnAccess.Native;

/// <summary>Receives each event of a read buffer, in order.</summary>
internal delegate void FanotifyEventCallback(in FanotifyEventMetadata metadata);

/// <summary>Walks the events of one <c>read(2)</c> of a fanotify descriptor (<c>FAN_EVENT_OK</c> /
/// <c>FAN_EVENT_NEXT</c>): one read returns as many whole events as fit.</summary>
internal static class FanotifyEventParser
{
    /// <summary>Calls <paramref name="onEvent"/> for each event and returns how many there were.</summary>
    /// <exception cref="FanotifyException">The kernel speaks another metadata version.</exception>
    public static int Parse(ReadOnlySpan<byte> buffer, FanotifyEventCallback onEvent)
    {
        var count = 0;
        while (buffer.Length >= FanotifyConstants.EventMetadataLength)
        {
            var metadata = MemoryMarshal.Read<FanotifyEventMetadata>(buffer);
            if (metadata.EventLength < FanotifyConstants.EventMetadataLength || metadata.EventLength > buffer.Length)
            {
                break;
            }
            if (metadata.Version != FanotifyConstants.MetadataVersion)
            {
                throw new FanotifyException(
                    $"fanotify metadata version {metadata.Version} is not the supported version {FanotifyConstants.MetadataVersion}.");
            }
            onEvent(in metadata);
            count++;
            buffer = buffer[(int)metadata.EventLength..];
        }
        return count;
    }
}
