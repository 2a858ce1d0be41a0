using System.Runtime.InteropServices;

namespace ThermoHand.Worker.Streaming;

/// <summary>
/// fsync of a directory, so a newly created or renamed file's name survives power loss (fsync of the file alone
/// makes its bytes durable, not its directory entry). .NET has no API for this, hence the two libc calls.
/// Linux only; elsewhere (development on another OS) it does nothing.
/// </summary>
internal static class DirectorySync
{
    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        int fd = Open(directory, 0 /* O_RDONLY: enough to fsync a directory */);
        if (fd < 0)
        {
            throw new IOException($"cannot open folder {directory} to flush it to disk (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"flushing folder {directory} to disk failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    // DllImport (runtime marshalling) rather than LibraryImport, which would need AllowUnsafeBlocks for the project.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
