using System.Collections.Concurrent;

namespace Conduit.Testing;

/// <summary>A thread-safe queue of <see cref="FakeTurn"/>s: each model request takes the next one.</summary>
public sealed class FakeScript
{
    private readonly ConcurrentQueue<FakeTurn> _turns = new();

    /// <summary>How many turns are still queued.</summary>
    public int Count => _turns.Count;

    /// <summary>Queues turns, answered in order.</summary>
    /// <returns>This script, for chaining.</returns>
    public FakeScript Enqueue(params FakeTurn[] turns)
    {
        ArgumentNullException.ThrowIfNull(turns);
        foreach (var turn in turns)
        {
            ArgumentNullException.ThrowIfNull(turn);
            _turns.Enqueue(turn);
        }

        return this;
    }

    /// <summary>Removes every queued turn.</summary>
    public void Clear() => _turns.Clear();

    internal bool TryDequeue(out FakeTurn turn)
    {
        if (_turns.TryDequeue(out var next))
        {
            turn = next;
            return true;
        }

        turn = null!;
        return false;
    }
}
