namespace Conduit.FanOut;

/// <summary>A fan-out could not be set up: the working directory is not a git repository, a worktree could not be made, a policy run needs an orchestrator.</summary>
public sealed class FanOutException : ConduitException
{
    /// <summary>Creates the exception.</summary>
    public FanOutException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public FanOutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public FanOutException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
