namespace Conduit;

/// <summary>The base of every exception Conduit throws on purpose.</summary>
public class ConduitException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConduitException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ConduitException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ConduitException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
