namespace Conduit.Cli.Chat;

/// <summary>What <c>conduit chat</c> was asked to do, as parsed from the command line.</summary>
internal sealed class ChatInvocation
{
    public required string Prompt { get; init; }

    public string? Runner { get; init; }

    public string? Model { get; init; }

    public string? WorkingDirectory { get; init; }

    public string? ProjectId { get; init; }

    public string? ResumeSessionId { get; init; }

    public ChatOutputFormat Format { get; init; }

    public string? Timeout { get; init; }

    public string? IdleTimeout { get; init; }

    public AgentPermissionMode? PermissionMode { get; init; }

    public int? MaxTurns { get; init; }

    public IReadOnlyList<string>? PassthroughArguments { get; init; }

    /// <summary>When set, the runner talks to Conduit's built-in fake model API, which answers with this text.</summary>
    public string? FakeModelReply { get; init; }
}
