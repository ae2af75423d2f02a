using System.CommandLine;

namespace Lightshield.Bench.Cache;

internal static class RedisMemoryCommand
{
    public static Command Create()
    {
        var verdicts = new Option<int>("--verdicts") { Description = "Verdicts stored in each Redis", DefaultValueFactory = _ => 1_000_000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Stores in flight at once", DefaultValueFactory = _ => 64 };
        var port = new Option<int>("--port") { Description = "First loopback port for the Redis servers (each takes the next free ones); 0: any free port", DefaultValueFactory = _ => 0 };
        var command = new Command("redis-memory", """
            Redis memory per million verdicts in the L2 cache: stores --verdicts verdicts (entry and MD5 index, as a scan
            server writes them) into a fresh single redis-server and into a fresh three-master Redis Cluster on loopback,
            and reports the growth of used_memory (summed over the masters). Needs redis-server and redis-cli.
            """) { verdicts, concurrency, port };
        command.SetAction(async (parse, cancellationToken) =>
        {
            Console.Write(await RedisMemoryBenchmark.RunAsync(parse.GetValue(verdicts), parse.GetValue(concurrency), parse.GetValue(port), cancellationToken));
            return 0;
        });
        return command;
    }
}
