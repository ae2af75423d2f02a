using System.Diagnostics;
using System.Globalization;

namespace Lightshield.Svm.Workers;

/// <summary>
/// How a scan worker is started: inside a bubblewrap sandbox (the default) or, for development only, as a plain child.
/// The sandbox gives the worker its own network namespace (no interface but a down <c>lo</c>), PID, IPC, UTS and cgroup
/// namespaces, a read-only view of <c>/usr</c>, of the worker's own files and of the signature directory (at
/// <c>/signatures</c>), a private memory-backed <c>/tmp</c> of bounded size for libclamav's extraction, an empty
/// environment, a new session (no terminal to inject into) and death with its parent. When the server runs as root the
/// worker drops to an unprivileged user with no capabilities and <c>no_new_privs</c> (<c>setpriv</c>); otherwise bubblewrap
/// maps it into a user namespace of its own, capabilities dropped. Inside, the worker adds its seccomp filter itself once
/// its engine is loaded.
/// </summary>
internal sealed class WorkerLauncher(WorkerOptions options)
{
    /// <summary>Where the signature directory appears inside the sandbox.</summary>
    public const string SandboxDatabase = "/signatures";

    /// <summary>libclamav's extraction directory inside the sandbox.</summary>
    public const string SandboxTemporary = "/tmp";

    /// <summary>The command that runs a worker for <paramref name="databaseDirectory"/>, and the database directory and
    /// temporary directory as the worker sees them.</summary>
    /// <exception cref="Engine.EngineException">The worker is missing, or its user could not read the database.</exception>
    public (ProcessStartInfo Start, string Database, string? Temporary) Create(string databaseDirectory, long temporaryBytes)
    {
        var worker = LocateWorker();
        if (options.Sandbox != WorkerSandbox.None && System.Environment.IsPrivilegedProcess)
        {
            EnsureOthersCanRead(databaseDirectory);
        }
        if (options.Sandbox == WorkerSandbox.None)
        {
            var plain = Command(worker);
            return (plain, databaseDirectory, null);
        }
        var start = new ProcessStartInfo(options.BubblewrapPath);
        var args = start.ArgumentList;
        foreach (var argument in (string[])["--die-with-parent", "--new-session", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
            "--unshare-cgroup-try", "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
            "--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin", "--perms", "0755", "--dir", "/etc",
            "--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache", "--proc", "/proc", "--dev", "/dev"])
        {
            args.Add(argument);
        }
        // The private /tmp first: mounted after the binds, it would hide a worker installed under /tmp.
        args.Add("--size");
        args.Add(temporaryBytes.ToString(CultureInfo.InvariantCulture));
        args.Add("--perms");
        args.Add("1777");
        args.Add("--tmpfs");
        args.Add(SandboxTemporary);
        var made = new HashSet<string>(StringComparer.Ordinal) { "/", "/etc", SandboxTemporary };
        foreach (var directory in WorkerDirectories(worker))
        {
            // bubblewrap creates missing parents of a bind target with mode 0700, which the worker's user could not cross.
            foreach (var parent in Parents(directory).Where(made.Add))
            {
                args.Add("--perms");
                args.Add("0755");
                args.Add("--dir");
                args.Add(parent);
            }
            args.Add("--ro-bind");
            args.Add(directory);
            args.Add(directory);
        }
        args.Add("--ro-bind");
        args.Add(databaseDirectory);
        args.Add(SandboxDatabase);
        args.Add("--clearenv");
        foreach (var (name, value) in Environment())
        {
            args.Add("--setenv");
            args.Add(name);
            args.Add(value);
        }
        if (System.Environment.IsPrivilegedProcess)
        {
            args.Add("--");
            args.Add(options.SetprivPath);
            args.Add($"--reuid={options.UserId}");
            args.Add($"--regid={options.GroupId}");
            args.Add("--clear-groups");
            args.Add("--inh-caps=-all");
            args.Add("--bounding-set=-all");
            args.Add("--no-new-privs");
        }
        else
        {
            args.Add("--unshare-user");
            args.Add("--cap-drop");
            args.Add("ALL");
        }
        args.Add("--");
        var inner = Command(worker);
        args.Add(inner.FileName);
        foreach (var argument in inner.ArgumentList)
        {
            args.Add(argument);
        }
        return (start, SandboxDatabase, SandboxTemporary);
    }

    /// <summary>The worker's binary: configured, else beside the scan server's own: its <c>.dll</c> under this process's
    /// dotnet host (a framework-dependent build), or its own executable (a self-contained one).</summary>
    private string LocateWorker()
    {
        string[] candidates = options.Path is { Length: > 0 } configured
            ? [configured]
            : [Path.Combine(AppContext.BaseDirectory, "lightshield-scan-worker.dll"), Path.Combine(AppContext.BaseDirectory, "lightshield-scan-worker")];
        return candidates.FirstOrDefault(path => File.Exists(path) && (!path.EndsWith(".dll", StringComparison.Ordinal) || File.Exists(DotnetHost)))
            ?? throw new Engine.EngineException($"the scan worker ({string.Join(" or ", candidates)}) is missing; it ships beside lightshield-svm "
                + "(Svm:Workers:Path names another place)");
    }

    private static ProcessStartInfo Command(string worker)
    {
        if (!worker.EndsWith(".dll", StringComparison.Ordinal))
        {
            return new ProcessStartInfo(worker);
        }
        var start = new ProcessStartInfo(DotnetHost);
        start.ArgumentList.Add(worker);
        return start;
    }

    /// <summary>The shared .NET installation this process runs on (its runtime lives in <c>ROOT/shared/Microsoft.NETCore.App/VERSION</c>),
    /// or null for a self-contained build, which carries its runtime beside it.</summary>
    private static string? DotnetRoot
    {
        get
        {
            var runtime = Path.GetDirectoryName(typeof(object).Assembly.Location);
            return runtime is not null && runtime.Contains("/shared/Microsoft.NETCore.App/", StringComparison.Ordinal)
                ? Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."))
                : null;
        }
    }

    private static string DotnetHost => DotnetRoot is { } root ? Path.Combine(root, "dotnet") : "";

    /// <summary>Directories outside <c>/usr</c> the worker needs to read: its own folder and the shared .NET installation.</summary>
    private static IEnumerable<string> WorkerDirectories(string worker) =>
        new[] { Path.GetDirectoryName(Path.GetFullPath(worker)), DotnetRoot }
            .OfType<string>()
            .Where(directory => directory != "/" && !directory.StartsWith("/usr/", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal);

    /// <summary>The worker's user (not the owner, not in the group) must be able to list the database and read its files; a
    /// clear error up front beats the engine's "access denied" from inside the sandbox.</summary>
    private void EnsureOthersCanRead(string databaseDirectory)
    {
        const UnixFileMode ListDirectory = UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        var unreadable = new List<string>();
        if (Directory.Exists(databaseDirectory) && (File.GetUnixFileMode(databaseDirectory) & ListDirectory) != ListDirectory)
        {
            unreadable.Add(databaseDirectory);
        }
        else if (Directory.Exists(databaseDirectory))
        {
            unreadable.AddRange(Directory.EnumerateFiles(databaseDirectory)
                .Where(file => (File.GetUnixFileMode(file) & UnixFileMode.OtherRead) == 0).Take(3));
        }
        if (unreadable.Count > 0)
        {
            throw new Engine.EngineException($"the scan worker runs as uid {options.UserId} and cannot read {string.Join(", ", unreadable)}: "
                + "signature files are not secret, make them readable by others (chmod o+rX), or set Svm:Workers:UserId to a user that can read them");
        }
    }

    /// <summary><c>/a</c>, <c>/a/b</c> for <c>/a/b/c</c>.</summary>
    private static List<string> Parents(string directory)
    {
        var parents = new List<string>();
        for (var parent = Path.GetDirectoryName(directory); parent is not null && parent != "/"; parent = Path.GetDirectoryName(parent))
        {
            parents.Add(parent);
        }
        parents.Reverse();
        return parents;
    }

    /// <summary>The worker's whole environment: nothing of the server's (which may hold secrets).</summary>
    private static IEnumerable<(string Name, string Value)> Environment() =>
    [
        ("PATH", "/usr/bin:/bin"),
        ("HOME", SandboxTemporary),
        ("TMPDIR", SandboxTemporary),
        ("DOTNET_EnableDiagnostics", "0"),
        ("DOTNET_CLI_TELEMETRY_OPTOUT", "1"),
        ("DOTNET_gcServer", "0"),
    ];
}
