using Lightshield.FleetBench.Measurement;

namespace Lightshield.FleetBench.Tests;

/// <summary>Write operations per VM come from /proc/PID/io and the block device's stat: their parsers, and a real write
/// seen by the process's own counters.</summary>
public sealed class IoMeasurementTests
{
    private const string ProcIo = """
        rchar: 5343417
        wchar: 1204
        syscr: 1180
        syscw: 17
        read_bytes: 409600
        write_bytes: 8192
        cancelled_write_bytes: 0

        """;

    [Fact]
    public void Proc_io_gives_read_bytes_write_bytes_and_write_calls_not_the_character_counts()
    {
        Assert.Equal(new IoCounters(409600, 8192, 17), IoCounters.Parse(ProcIo));
    }

    [Fact]
    public void Proc_io_without_write_bytes_is_an_error_rather_than_zero()
    {
        var error = Assert.Throws<FormatException>(() => IoCounters.Parse(ProcIo.Replace("write_bytes: 8192", "", StringComparison.Ordinal)));
        Assert.Contains("write_bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Counters_subtract_field_by_field()
    {
        Assert.Equal(new IoCounters(1, 20, 300), new IoCounters(2, 40, 600) - new IoCounters(1, 20, 300));
        Assert.Equal(new IoCounters(3, 60, 900), new IoCounters(2, 40, 600) + new IoCounters(1, 20, 300));
    }

    [Fact]
    public void A_block_device_stat_line_gives_writes_completed_and_sectors_written_as_bytes()
    {
        var (writes, bytes) = BlockDeviceWrites.Parse(" 3081114   111694 111242018   849883  3651389  1045088 324598056  1066528        0   668576\n");

        Assert.Equal(3651389, writes);
        Assert.Equal(324598056L * 512, bytes);
        Assert.Throws<FormatException>(() => BlockDeviceWrites.Parse("1 2 3"));
    }

    [Fact]
    public void A_statx_device_number_splits_into_major_high_and_minor_low()
    {
        Assert.Equal((253u, 1u), BlockDeviceWrites.Split((253UL << 32) | 1));
    }

    [Fact]
    public async Task A_file_written_and_flushed_by_this_process_shows_in_its_own_write_bytes_and_write_calls()
    {
        var path = Path.Combine(AppContext.BaseDirectory, $"io-{Guid.NewGuid():n}.bin");
        var before = IoCounters.Read(Environment.ProcessId)!.Value;
        try
        {
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                for (var i = 0; i < 16; i++)
                {
                    await file.WriteAsync(new byte[65536]);
                }
                file.Flush(flushToDisk: true);
            }
            var written = IoCounters.Read(Environment.ProcessId)!.Value - before;

            Assert.True(written.WriteCalls >= 16, $"{written.WriteCalls} write calls for 16 writes");
            Assert.True(written.WriteBytes >= 1 << 20, $"{written.WriteBytes} bytes written for 1 MiB");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
