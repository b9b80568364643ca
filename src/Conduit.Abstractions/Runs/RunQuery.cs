namespace Conduit;

/// <summary>Filters and paging for listing runs.</summary>
public sealed class RunQuery
{
    /// <summary>Only runs of this project.</summary>
    public string? ProjectId { get; init; }

    /// <summary>Only runs of this policy.</summary>
    public string? PolicyId { get; init; }

    /// <summary>Only runs with one of these statuses.</summary>
    public IReadOnlyList<RunStatus>? Statuses { get; init; }

    /// <summary>At most this many runs (1 to 500).</summary>
    public int Limit { get; init; } = 50;

    /// <summary>The opaque cursor from <see cref="RunPage.NextCursor"/>.</summary>
    public string? Cursor { get; init; }
}

/// <summary>One page of runs.</summary>
public sealed class RunPage
{
    /// <summary>The runs, newest first.</summary>
    public required IReadOnlyList<RunRecord> Runs { get; init; }

    /// <summary>The cursor for the next page, or <see langword="null"/> at the end.</summary>
    public string? NextCursor { get; init; }
}
