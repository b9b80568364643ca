using System.Text;

namespace Conduit.Runners.Processes;

/// <summary>
/// Splits a byte stream into lines at <c>\n</c> (dropping a trailing <c>\r</c>) and decodes each as UTF-8, replacing
/// invalid bytes with U+FFFD. Splitting before decoding is safe: <c>\n</c> never occurs inside a multi-byte sequence.
/// </summary>
internal sealed class Utf8LineSplitter
{
    private readonly Action<string> _onLine;
    private byte[] _pending = new byte[1024];
    private int _pendingLength;

    public Utf8LineSplitter(Action<string> onLine)
    {
        _onLine = onLine;
    }

    public void Append(ReadOnlySpan<byte> chunk)
    {
        while (true)
        {
            var newline = chunk.IndexOf((byte)'\n');
            if (newline < 0)
            {
                AppendPending(chunk);
                return;
            }

            if (_pendingLength > 0)
            {
                AppendPending(chunk[..newline]);
                Emit(_pending.AsSpan(0, _pendingLength));
                _pendingLength = 0;
            }
            else
            {
                Emit(chunk[..newline]);
            }

            chunk = chunk[(newline + 1)..];
        }
    }

    /// <summary>Emits the last line when the stream did not end with a line break.</summary>
    public void Complete()
    {
        if (_pendingLength > 0)
        {
            Emit(_pending.AsSpan(0, _pendingLength));
            _pendingLength = 0;
        }
    }

    private void AppendPending(ReadOnlySpan<byte> bytes)
    {
        if (_pendingLength + bytes.Length > _pending.Length)
        {
            Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _pendingLength + bytes.Length));
        }

        bytes.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength += bytes.Length;
    }

    private void Emit(ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        _onLine(Encoding.UTF8.GetString(line));
    }
}
