using System.Text;

namespace Conduit.Configuration;

/// <summary>
/// Replaces a file atomically: the new content goes to a temporary file in the same directory, is flushed to disk, gets
/// the old file's permissions (or <see cref="UnixFileMode"/> given), and is renamed over the old file, so a crash leaves
/// either the old or the new file, never half of one.
/// </summary>
public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes <paramref name="text"/> (UTF-8, no BOM) to <paramref name="filePath"/>, creating its directory.</summary>
    public static Task WriteAllTextAsync(string filePath, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return WriteAllBytesAsync(filePath, Utf8.GetBytes(text), null, cancellationToken);
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> to <paramref name="filePath"/>, creating its directory. The file gets
    /// <paramref name="mode"/> when given (ignored on Windows), else the replaced file's mode, else the default.
    /// </summary>
    public static async Task WriteAllBytesAsync(string filePath, ReadOnlyMemory<byte> bytes, UnixFileMode? mode = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filePath);
        var fullPath = Path.GetFullPath(filePath);
        var directory = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                if (mode is { } wanted)
                {
                    File.SetUnixFileMode(temporary, wanted);
                }
                else if (File.Exists(fullPath))
                {
                    File.SetUnixFileMode(temporary, File.GetUnixFileMode(fullPath));
                }
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
