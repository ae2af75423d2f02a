using System.CommandLine;

namespace Lightshield.CommandLine;

public static class OptionValidation
{
    /// <summary>Every value must name an existing directory; a value like <c>A|B</c> or <c>A,B</c> gets a one-line error
    /// saying that several directories are given as separate values.</summary>
    public static Option<string[]> AcceptExistingDirectoriesOnly(this Option<string[]> option)
    {
        option.Validators.Add(result =>
        {
            foreach (var value in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!Directory.Exists(value))
                {
                    result.AddError($"{option.Name}: '{value}' is not a directory (several directories are separate values: {option.Name} A B)");
                    return;
                }
            }
        });
        return option;
    }

    /// <summary>The value must lie within [<paramref name="minimum"/>, <paramref name="maximum"/>]; otherwise a one-line error.</summary>
    public static Option<int> AcceptRange(this Option<int> option, int minimum, int maximum)
    {
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value < minimum || value > maximum)
            {
                result.AddError($"{option.Name}: {value} is out of range ({minimum} to {maximum})");
            }
        });
        return option;
    }
}
