namespace Conduit.Requests.Tests;

public sealed class PendingReviewsTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private async Task<RequestReview> ReviewAsync(RequestProcessor processor)
    {
        var request = Requests.Parse(Requests.Envelope($"[{Requests.Action("h", "conduit.help", "{}")}]"));
        return processor.CreateReview(request, await processor.EvaluateAsync(request, RequestTransport.Api));
    }

    [Fact]
    public async Task The_first_decision_wins()
    {
        var processor = _workspace.Processor();
        var pending = new PendingReviews(_workspace.Time);
        var review = await ReviewAsync(processor);
        Assert.Equal(ApprovalStatus.Pending, pending.Add(review).Status);
        Assert.Single(pending.ListPending());

        var denied = pending.Decide(review.ApprovalId, approve: false, "control-app", reason: "no");
        var late = pending.Decide(review.ApprovalId, approve: true, "terminal");
        Assert.Equal(ApprovalStatus.Denied, denied!.Status);
        Assert.Equal(ApprovalStatus.Denied, late!.Status);
        Assert.Equal("control-app", late.DecidedBy);
        Assert.Empty(pending.ListPending());
        Assert.Null(pending.Decide("approval_nope", true, "terminal"));
    }

    [Fact]
    public async Task Undecided_reviews_expire_after_ten_minutes()
    {
        var processor = _workspace.Processor();
        var pending = new PendingReviews(_workspace.Time);
        var review = await ReviewAsync(processor);
        pending.Add(review);
        _workspace.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Empty(pending.ListPending());
        var decision = pending.Decide(review.ApprovalId, approve: true, "terminal")!;
        Assert.Equal(ApprovalStatus.Expired, decision.Status);
        Assert.Equal("timeout", decision.DecidedBy);
    }
}
