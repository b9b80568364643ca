namespace Conduit.Requests;

/// <summary>
/// Reviews waiting for a local decision (the daemon's /status list, the terminal prompt). The first decision wins;
/// a review nobody decides within its lifetime expires (decided by <c>timeout</c>). In memory: a restart forgets
/// pending reviews, which is the safe direction (nothing runs without a new review).
/// </summary>
public sealed class PendingReviews
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (RequestReview Review, RequestApproval Decision)> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>Creates the list over a clock.</summary>
    public PendingReviews(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
    }

    /// <summary>Adds a review as pending and returns its pending approval record.</summary>
    public RequestApproval Add(RequestReview review)
    {
        ArgumentNullException.ThrowIfNull(review);
        var pending = new RequestApproval
        {
            ApprovalId = review.ApprovalId,
            RunId = review.RunId,
            RequestHash = review.RequestHash,
            Status = ApprovalStatus.Pending,
            CreatedAt = review.CreatedAt,
            ExpiresAt = review.ExpiresAt,
        };
        lock (_gate)
        {
            _entries.TryAdd(review.ApprovalId, (review, pending));
            return _entries[review.ApprovalId].Decision;
        }
    }

    /// <summary>The reviews still waiting, oldest first (expired ones are marked expired and left out).</summary>
    public IReadOnlyList<RequestReview> ListPending()
    {
        lock (_gate)
        {
            ExpireLocked();
            return _entries.Values.Where(e => e.Decision.Status == ApprovalStatus.Pending).Select(e => e.Review).OrderBy(r => r.CreatedAt).ToArray();
        }
    }

    /// <summary>The current decision record, or <see langword="null"/> for an unknown id.</summary>
    public RequestApproval? Get(string approvalId)
    {
        lock (_gate)
        {
            ExpireLocked();
            return _entries.TryGetValue(approvalId, out var entry) ? entry.Decision : null;
        }
    }

    /// <summary>
    /// Decides a review. The first decision wins: a later call returns the earlier decision unchanged.
    /// Returns <see langword="null"/> for an unknown id.
    /// </summary>
    public RequestApproval? Decide(string approvalId, bool approve, string decidedBy, PermissionProfile profile = PermissionProfile.ReadOnly, IReadOnlyList<string>? confirmedActionIds = null, string? reason = null)
    {
        lock (_gate)
        {
            ExpireLocked();
            if (!_entries.TryGetValue(approvalId, out var entry))
            {
                return null;
            }

            if (entry.Decision.Status != ApprovalStatus.Pending)
            {
                return entry.Decision;
            }

            var now = _time.GetUtcNow();
            var decision = approve ? entry.Review.Approve(now, decidedBy, profile, confirmedActionIds) : entry.Review.Deny(now, decidedBy, reason);
            _entries[approvalId] = (entry.Review, decision);
            return decision;
        }
    }

    private void ExpireLocked()
    {
        var now = _time.GetUtcNow();
        foreach (var (id, entry) in _entries.ToArray())
        {
            if (entry.Decision.Status == ApprovalStatus.Pending && now >= entry.Review.ExpiresAt)
            {
                _entries[id] = (entry.Review, new RequestApproval
                {
                    ApprovalId = entry.Decision.ApprovalId,
                    RunId = entry.Decision.RunId,
                    RequestHash = entry.Decision.RequestHash,
                    Status = ApprovalStatus.Expired,
                    CreatedAt = entry.Decision.CreatedAt,
                    ExpiresAt = entry.Decision.ExpiresAt,
                    DecidedAt = now,
                    DecidedBy = "timeout",
                    DecisionReason = "Nobody decided before the review expired.",
                });
            }
        }
    }
}
