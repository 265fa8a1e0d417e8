namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>
/// File modes. The AppHost runs on Linux only (setsid, /proc, signals); the platform checks here are what tells the
/// platform analyzer so, without marking every caller up to the tests Linux-only.
/// </summary>
internal static class UnixPermissions
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void Set(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    public static UnixFileMode Get(string path) =>
        OperatingSystem.IsWindows() ? (UnixFileMode)0b111_111_111 : File.GetUnixFileMode(path);
}
