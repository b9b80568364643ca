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

    /// <summary>
    /// Which of <paramref name="values"/> <c>/proc/&lt;pid&gt;/&lt;name&gt;</c> contains, read once, in chunks, into
    /// <paramref name="scratch"/>: <paramref name="found"/>[i] tells for <paramref name="values"/>[i]. Returns how many
    /// were found (0 when the file cannot be read).
    /// </summary>
    public static int FindEach(int pid, string name, IReadOnlyList<byte[]> values, Span<bool> found, byte[] scratch)
    {
        found.Clear();
        if (values.Count == 0)
        {
            return 0;
        }

        var descriptor = Open($"/proc/{pid}/{name}", ReadOnlyCloseOnExec);
        if (descriptor < 0)
        {
            return 0;
        }

        try
        {
            var longest = 0;
            foreach (var value in values)
            {
                longest = Math.Max(longest, value.Length);
            }

            // Keep the last longest - 1 bytes of each chunk in front of the next, so a match across chunks is seen.
            var count = 0;
            var kept = 0;
            while (true)
            {
                var read = ReadInto(descriptor, scratch.AsSpan(kept));
                if (read <= 0)
                {
                    return count;
                }

                var filled = scratch.AsSpan(0, kept + read);
                for (var i = 0; i < values.Count; i++)
                {
                    if (!found[i] && filled.IndexOf(values[i]) >= 0)
                    {
                        found[i] = true;
                        if (++count == values.Count)
                        {
                            return count;
                        }
                    }
                }

                kept = Math.Min(longest - 1, filled.Length);
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
