using System.Buffers.Binary;
using Lightshield.Agent.OnAccess;
using Lightshield.Agent.OnAccess.Native;

namespace Lightshield.Agent.Tests.OnAccess;

public sealed class FanotifyEventParserTests
{
    [Fact]
    public void Parse_SeveralEventsInOneRead_EachInOrder()
    {
        var buffer = new List<byte>();
        buffer.AddRange(Event(FanotifyConstants.FanOpenPerm, fd: 7, pid: 100));
        buffer.AddRange(Event(FanotifyConstants.FanCloseWrite, fd: 8, pid: 101, extra: 16)); // with an info record
        buffer.AddRange(Event(FanotifyConstants.FanQueueOverflow, fd: FanotifyConstants.FanNoFd, pid: 0));
        var seen = new List<(ulong Mask, int Fd, int Pid)>();

        var count = FanotifyEventParser.Parse(buffer.ToArray(), (in FanotifyEventMetadata m) => seen.Add((m.Mask, m.Fd, m.Pid)));

        Assert.Equal(3, count);
        Assert.Equal(
            [(FanotifyConstants.FanOpenPerm, 7, 100), (FanotifyConstants.FanCloseWrite, 8, 101), (FanotifyConstants.FanQueueOverflow, -1, 0)],
            seen);
    }

    [Fact]
    public void Parse_TruncatedTail_StopsBeforeIt()
    {
        var buffer = Event(FanotifyConstants.FanOpenPerm, fd: 5, pid: 1).Concat(new byte[10]).ToArray();

        Assert.Equal(1, FanotifyEventParser.Parse(buffer, (in FanotifyEventMetadata _) => { }));
    }

    [Fact]
    public void Parse_UnknownMetadataVersion_Throws()
    {
        var buffer = Event(FanotifyConstants.FanOpenPerm, fd: 5, pid: 1);
        buffer[4] = 2;

        Assert.Throws<FanotifyException>(() => FanotifyEventParser.Parse(buffer, (in FanotifyEventMetadata _) => { }));
    }

    private static byte[] Event(ulong mask, int fd, int pid, int extra = 0)
    {
        var bytes = new byte[FanotifyConstants.EventMetadataLength + extra];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)bytes.Length);
        bytes[4] = FanotifyConstants.MetadataVersion;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), FanotifyConstants.EventMetadataLength);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8), mask);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), fd);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(20), pid);
        return bytes;
    }
}
