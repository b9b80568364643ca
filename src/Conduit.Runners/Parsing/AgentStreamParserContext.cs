using Conduit.Runners.Pricing;

namespace Conduit.Runners.Parsing;

/// <summary>What a parser knows about the run besides the stream itself.</summary>
internal sealed class AgentStreamParserContext
{
    /// <summary>The clock for event timestamps.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Prices for estimating cost where the CLI reports none.</summary>
    public PriceTable PriceTable { get; init; } = new();

    /// <summary>The model the request asked for (used for pricing when the stream does not name one).</summary>
    public string? RequestedModel { get; init; }

    /// <summary>The permission mode the request asked for.</summary>
    public AgentPermissionMode? PermissionMode { get; init; }

    /// <summary>The session the request resumes.</summary>
    public string? ResumeSessionId { get; init; }

    /// <summary>The CLI's version found by running it with <c>--version</c>, used when the stream does not report one.</summary>
    public string? CliVersion { get; set; }

    /// <summary>Codex: the last cumulative usage seen per thread, to turn thread totals into per-run usage.</summary>
    public CodexThreadUsageLedger? CodexUsageLedger { get; init; }
}
