using System.Runtime.InteropServices;

namespace Lightshield.ScanWorker;

/// <summary>
/// The worker's seccomp filter, installed on every thread once the engine is loaded and before any content arrives. What
/// a parser exploit could use to leave the sandbox or reach further is refused with <c>EPERM</c>: sockets, new
/// namespaces, mounts, tracing other processes, loading kernel code, running programs, io_uring (which bypasses seccomp).
/// <c>clone3</c> answers <c>ENOSYS</c> so the C library falls back to <c>clone</c>, whose flags a filter can read, and a
/// <c>clone</c> with a namespace flag is refused. Any other architecture's or ABI's system call kills the process. A deny
/// list, not an allow list: the .NET runtime's own system calls vary with its version, and the sandbox around the worker
/// (no network, a read-only view of the files it needs, an unprivileged user) is the first wall.
/// </summary>
internal static partial class SyscallFilter
{
    private const uint AuditArchX8664 = 0xC000003E;
    private const uint X32SyscallBit = 0x40000000;
    private const uint RetKillProcess = 0x80000000;
    private const uint RetAllow = 0x7FFF0000;
    private const uint RetErrno = 0x00050000;
    private const uint Eperm = 1;
    private const uint Enosys = 38;
    private const uint NamespaceCloneFlags = 0x7E020000; // NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET

    private const ushort LoadWordAbsolute = 0x20; // BPF_LD | BPF_W | BPF_ABS
    private const ushort JumpIfEqual = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
    private const ushort JumpIfGreaterOrEqual = 0x35; // BPF_JMP | BPF_JGE | BPF_K
    private const ushort JumpIfAnyBit = 0x45; // BPF_JMP | BPF_JSET | BPF_K
    private const ushort Return = 0x06; // BPF_RET | BPF_K

    private const int OffsetNumber = 0;
    private const int OffsetArchitecture = 4;
    private const int OffsetFirstArgument = 16;

    /// <summary>x86-64 system calls refused with EPERM.</summary>
    internal static readonly IReadOnlyDictionary<string, uint> Denied = new Dictionary<string, uint>
    {
        ["socket"] = 41,
        ["connect"] = 42,
        ["accept"] = 43,
        ["bind"] = 49,
        ["listen"] = 50,
        ["socketpair"] = 53,
        ["accept4"] = 288,
        ["execve"] = 59,
        ["execveat"] = 322,
        ["ptrace"] = 101,
        ["process_vm_readv"] = 310,
        ["process_vm_writev"] = 311,
        ["mount"] = 165,
        ["umount2"] = 166,
        ["pivot_root"] = 155,
        ["chroot"] = 161,
        ["setns"] = 308,
        ["unshare"] = 272,
        ["open_tree"] = 428,
        ["move_mount"] = 429,
        ["fsopen"] = 430,
        ["fsmount"] = 432,
        ["kexec_load"] = 246,
        ["kexec_file_load"] = 320,
        ["init_module"] = 175,
        ["finit_module"] = 313,
        ["delete_module"] = 176,
        ["bpf"] = 321,
        ["perf_event_open"] = 298,
        ["keyctl"] = 250,
        ["add_key"] = 248,
        ["request_key"] = 249,
        ["userfaultfd"] = 323,
        ["acct"] = 163,
        ["swapon"] = 167,
        ["swapoff"] = 168,
        ["reboot"] = 169,
        ["syslog"] = 103,
        ["personality"] = 135,
        ["iopl"] = 172,
        ["ioperm"] = 173,
        ["open_by_handle_at"] = 304,
        ["name_to_handle_at"] = 303,
        ["fanotify_init"] = 300,
        ["io_uring_setup"] = 425,
        ["io_uring_enter"] = 426,
        ["io_uring_register"] = 427,
        ["setuid"] = 105,
        ["setgid"] = 106,
        ["setreuid"] = 113,
        ["setregid"] = 114,
        ["setresuid"] = 117,
        ["setresgid"] = 119,
        ["setgroups"] = 116,
    };

    private const uint CloneX8664 = 56;
    private const uint Clone3X8664 = 435;

    /// <summary>Installs the filter on every thread of the process; returns how the worker is confined, or why it is not.</summary>
    public static string Apply()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            return $"none: no seccomp filter for {RuntimeInformation.ProcessArchitecture}";
        }
        var program = Build();
        if (NativeMethods.prctl(NativeMethods.PrSetNoNewPrivs, 1, 0, 0, 0) != 0)
        {
            return $"none: prctl(PR_SET_NO_NEW_PRIVS) failed with errno {Marshal.GetLastPInvokeError()}";
        }
        unsafe
        {
            fixed (Instruction* instructions = program)
            {
                var fprog = new Program { Length = (ushort)program.Length, Filter = instructions };
                var result = NativeMethods.seccomp(NativeMethods.SeccompSetModeFilter, NativeMethods.SeccompFilterFlagTsync, &fprog);
                if (result != 0)
                {
                    return result > 0
                        ? $"none: seccomp could not synchronise thread {result}"
                        : $"none: seccomp failed with errno {Marshal.GetLastPInvokeError()}";
                }
            }
        }
        return "seccomp";
    }

    internal static Instruction[] Build()
    {
        var program = new List<Instruction>
        {
            Load(OffsetArchitecture),
            Jump(JumpIfEqual, AuditArchX8664, 1, 0),
            Ret(RetKillProcess),
            Load(OffsetNumber),
            Jump(JumpIfGreaterOrEqual, X32SyscallBit, 0, 1),
            Ret(RetKillProcess),
            Jump(JumpIfEqual, Clone3X8664, 0, 1),
            Ret(RetErrno | Enosys),
        };
        foreach (var number in Denied.Values.Order())
        {
            program.Add(Jump(JumpIfEqual, number, 0, 1));
            program.Add(Ret(RetErrno | Eperm));
        }
        program.Add(Jump(JumpIfEqual, CloneX8664, 0, 3));
        program.Add(Load(OffsetFirstArgument));
        program.Add(Jump(JumpIfAnyBit, NamespaceCloneFlags, 0, 1));
        program.Add(Ret(RetErrno | Eperm));
        program.Add(Ret(RetAllow));
        return [.. program];
    }

    private static Instruction Load(uint offset) => new(LoadWordAbsolute, 0, 0, offset);

    private static Instruction Jump(ushort code, uint value, byte ifTrue, byte ifFalse) => new(code, ifTrue, ifFalse, value);

    private static Instruction Ret(uint action) => new(Return, 0, 0, action);

    /// <summary><c>struct sock_filter</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal readonly record struct Instruction(ushort Code, byte JumpIfTrue, byte JumpIfFalse, uint Value);

    /// <summary><c>struct sock_fprog</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct Program
    {
        public ushort Length;
        public Instruction* Filter;
    }

    private static unsafe partial class NativeMethods
    {
        public const int PrSetNoNewPrivs = 38;
        public const uint SeccompSetModeFilter = 1;
        public const uint SeccompFilterFlagTsync = 1;
        private const long SeccompSyscallX8664 = 317;

        [LibraryImport("libc", SetLastError = true)]
        public static partial int prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);

        public static long seccomp(uint operation, uint flags, Program* program) => syscall(SeccompSyscallX8664, operation, flags, program);

        [LibraryImport("libc", SetLastError = true)]
        private static partial long syscall(long number, uint operation, uint flags, Program* program);
    }
}
