using System.Diagnostics;
using Conduit.Policies;
using Npgsql;

namespace Conduit.Clustering.Tests;

[Collection(PostgresCollection.Name)]
public sealed class ClusterTests(PostgresServer server)
{
    [Fact]
    public async Task Starting_applies_the_versioned_migrations_once_including_the_quartz_tables()
    {
        await using var cluster = await TestCluster.CreateAsync(server);
        await cluster.StartNodeAsync("a");
        await cluster.StartNodeAsync("b");

        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var versions = new NpgsqlCommand("SELECT string_agg(version::text || ':' || name, ',' ORDER BY version) FROM conduit_schema_migrations;", connection);
        Assert.Equal("1:0001_conduit_tables,2:0002_quartz_tables", await versions.ExecuteScalarAsync());
        await using var tables = new NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_name IN ('conduit_runs', 'conduit_run_events', 'qrtz_job_details', 'qrtz_scheduler_state', 'qrtz_fired_triggers', 'qrtz_locks');", connection);
        Assert.Equal(6L, await tables.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_run_submitted_to_one_daemon_executes_exactly_once_in_the_cluster()
    {
        await using var cluster = await TestCluster.CreateAsync(server);
        var (a, agentA) = await cluster.StartNodeAsync("a");
        var (b, agentB) = await cluster.StartNodeAsync("b");

        var runs = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            runs.Add((await (i % 2 == 0 ? a : b).SubmitAsync(TestCluster.Work())).RunId);
        }

        foreach (var runId in runs)
        {
            Assert.Equal(RunStatus.Succeeded, (await a.FinishedAsync(runId)).Status);
            Assert.Single(await b.GetAttemptsAsync(runId));
        }

        var executed = agentA.Requests.Concat(agentB.Requests).Select(r => r.Environment!["CONDUIT_RUN_ID"]).ToList();
        Assert.Equal(runs.Order(), executed.Order());
    }

    [Fact]
    public async Task Cancel_on_one_daemon_stops_a_run_executing_on_another_within_two_seconds()
    {
        await using var cluster = await TestCluster.CreateAsync(server);
        var (a, agentA) = await cluster.StartNodeAsync("a");
        var (b, agentB) = await cluster.StartNodeAsync("b");
        agentA.Handler = agentB.Handler = async (_, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return AgentOutcome.Succeeded;
        };

        var run = await a.SubmitAsync(TestCluster.Work());
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(!agentA.Requests.IsEmpty || !agentB.Requests.IsEmpty), TimeSpan.FromSeconds(30)));
        var (executing, other) = agentA.Requests.IsEmpty ? (b, a) : (a, b);

        var nodes = await other.GetNodesAsync();
        Assert.Equal(["a", "b"], nodes.Select(n => n.NodeId).Order());
        Assert.All(nodes, n => Assert.NotEqual("failed", n.State)); // "overdue" when a loaded machine delays a check-in
        Assert.Equal([run.RunId], nodes.Single(n => n.NodeId == executing.NodeId).ActiveRunIds);

        var clock = Stopwatch.StartNew();
        Assert.True(await other.CancelAsync(run.RunId));
        Assert.True(await Eventually.TrueAsync(async () => (await other.GetAsync(run.RunId))!.Status == RunStatus.Cancelled, TimeSpan.FromSeconds(10)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the cancel took {clock.Elapsed}");
    }

    [Fact]
    public async Task Events_of_a_run_executing_on_another_daemon_stream_live_and_replay_afterwards()
    {
        await using var cluster = await TestCluster.CreateAsync(server);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (a, agentA) = await cluster.StartNodeAsync("a");
        var (b, agentB) = await cluster.StartNodeAsync("b");
        agentA.Handler = agentB.Handler = async (_, token) =>
        {
            await release.Task.WaitAsync(token);
            return AgentOutcome.Succeeded;
        };

        var run = await a.SubmitAsync(TestCluster.Work());
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(!agentA.Requests.IsEmpty || !agentB.Requests.IsEmpty), TimeSpan.FromSeconds(30)));
        var other = agentA.Requests.IsEmpty ? a : b;

        var live = new List<RunEvent>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var runEvent in other.EventsAsync(run.RunId, cancellationToken: timeout.Token))
        {
            live.Add(runEvent);
            if (runEvent.Type == "agent.event" && !release.Task.IsCompleted)
            {
                release.TrySetResult(); // the run is still executing elsewhere: this event arrived live
            }
        }

        Assert.True(release.Task.IsCompleted);
        Assert.Equal("queued", live[0].Data.GetProperty("status").GetString());
        Assert.Contains(live, e => e.Type == "attempt.started");
        Assert.Equal("succeeded", live[^1].Data.GetProperty("status").GetString());
        Assert.Equal(Enumerable.Range(1, live.Count).Select(i => (long)i), live.Select(e => e.Sequence));

        var replay = new List<RunEvent>();
        await foreach (var runEvent in other.EventsAsync(run.RunId, cancellationToken: timeout.Token))
        {
            replay.Add(runEvent);
        }

        Assert.Equal(live.Select(e => (e.Sequence, e.Type)), replay.Select(e => (e.Sequence, e.Type)));
    }

    [Fact]
    public async Task A_run_longer_than_many_check_ins_never_executes_twice_while_its_daemon_lives()
    {
        await using var cluster = await TestCluster.CreateAsync(server);
        var (a, agentA) = await cluster.StartNodeAsync("a", checkinInterval: TimeSpan.FromMilliseconds(300));
        var (b, agentB) = await cluster.StartNodeAsync("b", checkinInterval: TimeSpan.FromMilliseconds(300));
        agentA.Handler = agentB.Handler = async (_, token) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5), token); // more than 15 check-in intervals
            return AgentOutcome.Succeeded;
        };

        var run = await b.SubmitAsync(TestCluster.Work());
        var finished = await a.FinishedAsync(run.RunId);

        Assert.Equal(RunStatus.Succeeded, finished.Status);
        Assert.Equal(1, agentA.Requests.Count + agentB.Requests.Count);
        var attempt = Assert.Single(await a.GetAttemptsAsync(run.RunId));
        Assert.Equal(RunStatus.Succeeded, attempt.Status);
    }

    [Fact]
    public async Task A_run_stored_by_a_daemon_that_died_before_scheduling_it_is_scheduled_by_the_next_daemon_to_start()
    {
        await using var cluster = await TestCluster.CreateAsync(server);
        await cluster.StartNodeAsync("client", o => o.ExecuteRuns = false); // migrates the schema
        await using var dataSource = NpgsqlDataSource.Create(cluster.ConnectionString);
        var store = new PostgresRunStore(dataSource, "dead", TimeProvider.System);
        var run = new RunRecord
        {
            RunId = "run_stored_only",
            ProjectId = "demo",
            PolicyId = "work.v1",
            Status = RunStatus.Queued,
            Runner = new RunnerRef { Provider = "claude" },
            CreatedAt = DateTimeOffset.UtcNow,
            MaxAttempts = 1,
        };
        await store.InsertQueuedRunAsync(run, "claude", null, CancellationToken.None); // and then the daemon died

        var (node, agent) = await cluster.StartNodeAsync("a");

        Assert.Equal(RunStatus.Succeeded, (await node.FinishedAsync(run.RunId)).Status);
        Assert.Single(agent.Requests);
    }

    [Fact]
    public async Task The_queue_limit_counts_the_runs_queued_on_every_daemon()
    {
        await using var cluster = await TestCluster.CreateAsync(server);
        // Clients only (they store and schedule runs but execute none), so the runs stay queued.
        var (a, _) = await cluster.StartNodeAsync("a", o => { o.ExecuteRuns = false; o.MaxQueuedRuns = 2; });
        var (b, _) = await cluster.StartNodeAsync("b", o => { o.ExecuteRuns = false; o.MaxQueuedRuns = 2; });

        await a.SubmitAsync(TestCluster.Work());
        await b.SubmitAsync(TestCluster.Work());
        var full = await Assert.ThrowsAsync<QueueFullException>(() => a.SubmitAsync(TestCluster.Work()));

        Assert.Contains("2", full.Message);
        Assert.Equal(2, (await b.ListAsync(new RunQuery { Statuses = [RunStatus.Queued] })).Runs.Count);
    }
}
