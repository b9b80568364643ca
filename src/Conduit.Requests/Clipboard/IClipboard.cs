namespace Conduit.Requests;

/// <summary>The system clipboard as text: what <c>conduit request watch</c> reads requests from and writes results to.</summary>
public interface IClipboard
{
    /// <summary>A short description of the tool behind it, e.g. <c>xclip</c>.</summary>
    string Name { get; }

    /// <summary>Reads the clipboard's text; an empty clipboard (or one holding no text) reads as the empty string.</summary>
    /// <exception cref="ClipboardException">The clipboard tool failed.</exception>
    Task<string> ReadAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces the clipboard's content with <paramref name="text"/>.</summary>
    /// <exception cref="ClipboardException">The clipboard tool failed.</exception>
    Task WriteAsync(string text, CancellationToken cancellationToken = default);
}

/// <summary>The clipboard could not be used: no clipboard tool was found, or the tool failed.</summary>
public sealed class ClipboardException : ConduitException
{
    /// <summary>Creates the exception.</summary>
    public ClipboardException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ClipboardException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ClipboardException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
