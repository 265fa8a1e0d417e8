using System.Runtime.InteropServices;

namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>
/// kill(2): .NET can only SIGKILL a process, and the AppHost also needs SIGTERM and SIGINT to ask politely, and
/// signals to a whole process group (a child and everything it started).
/// </summary>
internal static class PosixSignals
{
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    public static bool Send(int pid, int signal) => Kill(pid, signal) == 0;

    /// <summary>Signals every process in the group a child leads (each child runs in a session, so a group, of its own).</summary>
    public static bool SendToGroup(int processGroupId, int signal) => Kill(-processGroupId, signal) == 0;

    // DllImport rather than LibraryImport: the generated stub would need unsafe code enabled for one int call.
    [DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}
