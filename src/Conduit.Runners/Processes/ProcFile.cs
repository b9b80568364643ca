using System.Runtime.InteropServices;

namespace Conduit.Runners.Processes;

/// <summary>
/// Reads files under <c>/proc/&lt;pid&gt;/</c> with plain <c>open</c>/<c>read</c>/<c>close</c>: a process that exits
/// while a scan reads it is the normal case there, and a missing file is a return value, not an exception.
/// </summary>
internal static class ProcFile
{
    private const int ReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC
    private const int Interrupted = 4; // EINTR: read again

    /// <summary>Reads the start of <c>/proc/&lt;pid&gt;/&lt;name&gt;</c> into <paramref name="buffer"/>; the length read, or -1.</summary>
    public static int Read(int pid, string name, Span<byte> buffer)
    {
        var descriptor = Open($"/proc/{pid}/{name}", ReadOnlyCloseOnExec);
        if (descriptor < 0)
        {
            return -1;
        }

        try
        {
            var total = 0;
            while (total < buffer.Length)
            {
                var read = ReadInto(descriptor, buffer[total..]);
                if (read <= 0)
                {
                    return read < 0 && total == 0 ? -1 : total;
                }

                total += read;
            }

            return total;
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    /// <summary>Whether <c>/proc/&lt;pid&gt;/&lt;name&gt;</c> contains <paramref name="value"/>, read in chunks into <paramref name="scratch"/>.</summary>
    public static bool Contains(int pid, string name, ReadOnlySpan<byte> value, byte[] scratch)
    {
        var descriptor = Open($"/proc/{pid}/{name}", ReadOnlyCloseOnExec);
        if (descriptor < 0)
        {
            return false;
        }

        try
        {
            // Keep the last value.Length - 1 bytes of each chunk in front of the next, so a match across chunks is seen.
            var kept = 0;
            while (true)
            {
                var read = ReadInto(descriptor, scratch.AsSpan(kept));
                if (read <= 0)
                {
                    return false;
                }

                var filled = scratch.AsSpan(0, kept + read);
                if (filled.IndexOf(value) >= 0)
                {
                    return true;
                }

                kept = Math.Min(value.Length - 1, filled.Length);
                filled[^kept..].CopyTo(scratch);
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    private static int ReadInto(int descriptor, Span<byte> buffer)
    {
        while (true)
        {
            var read = (int)ReadNative(descriptor, ref MemoryMarshal.GetReference(buffer), buffer.Length);
            if (read >= 0 || Marshal.GetLastPInvokeError() != Interrupted)
            {
                return read;
            }
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "read", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint ReadNative(int descriptor, ref byte buffer, nint count);

    [DllImport("libc", EntryPoint = "close")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Close(int descriptor);
}
