using System.CommandLine;

namespace Lightshield.CommandLine;

/// <summary>Runs a command tree the way every Lightshield command behaves: a bad argument is one line on standard error
/// and exit 2 (not the whole help and exit 1), and a failure nobody handled is one line and exit 2 instead of a stack
/// trace (<c>LIGHTSHIELD_TRACE=1</c> prints the trace for a bug report).</summary>
public static class CommandLineRunner
{
    public const string TraceVariable = "LIGHTSHIELD_TRACE";

    public static async Task<int> RunAsync(RootCommand root, string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        error ??= Console.Error;
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            var command = string.Join(' ', CommandPath(parse.CommandResult.Command));
            error.WriteLine($"{command}: {parse.Errors[0].Message} (see {command} --help)");
            return ExitCodes.Error;
        }
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                Output = output ?? Console.Out,
                Error = error,
            });
        }
        catch (OperationCanceledException)
        {
            error.WriteLine($"{root.Name}: cancelled");
            return ExitCodes.Error;
        }
        catch (Exception exception)
        {
            error.WriteLine($"{root.Name}: {OneLine(exception)}");
            if (Environment.GetEnvironmentVariable(TraceVariable) == "1")
            {
                error.WriteLine(exception);
            }
            return ExitCodes.Error;
        }
    }

    private static Stack<string> CommandPath(Command command)
    {
        var names = new Stack<string>();
        for (Symbol? symbol = command; symbol is Command current; symbol = current.Parents.FirstOrDefault())
        {
            names.Push(current.Name);
        }
        return names;
    }

    private static string OneLine(Exception exception)
    {
        var innermost = exception;
        while (innermost is AggregateException { InnerExceptions.Count: 1 } or System.Reflection.TargetInvocationException
               && innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }
        return innermost.Message.ReplaceLineEndings(" ");
    }
}
