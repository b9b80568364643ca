using System.Text.Json;

namespace Conduit.Requests;

/// <summary>
/// Paired sessions and their nonces in <c>&lt;stateDir&gt;/sessions.json</c>. Every change holds an in-process lock
/// and an exclusive lock file (so the CLI and the daemon can share the file), re-reads the file, changes it and
/// replaces it atomically (temporary file + rename). Of two concurrent uses of one nonce exactly one wins.
/// </summary>
public sealed class RequestSessionStore
{
    private const int MaxUsedNoncesKept = 1000;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate;
    private readonly string _path;
    private readonly string _lockPath;
    private readonly TimeProvider _time;
    private readonly TimeSpan _nonceLifetime;
    private readonly TimeSpan? _sessionLifetime;
    private readonly IReadOnlyList<string> _defaultRoots;

    /// <summary>Creates a store over <paramref name="stateDirectory"/>.</summary>
    public RequestSessionStore(string stateDirectory, TimeProvider timeProvider, TimeSpan nonceLifetime, TimeSpan? sessionLifetime, IReadOnlyList<string> defaultRoots)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stateDirectory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(defaultRoots);
        _path = Path.Combine(Path.GetFullPath(stateDirectory), "sessions.json");
        _lockPath = _path + ".lock";
        _gate = Gates.GetOrAdd(_path, _ => new SemaphoreSlim(1, 1));
        _time = timeProvider;
        _nonceLifetime = nonceLifetime;
        _sessionLifetime = sessionLifetime;
        _defaultRoots = defaultRoots;
    }

    /// <summary>The sessions file.</summary>
    public string FilePath => _path;

    /// <summary>Creates a session with a fresh nonce (the local "Copy Agent Handshake" gesture or <c>conduit request pair</c>).</summary>
    public Task<RequestSession> CreateAsync(SessionCreateOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return UpdateAsync(file =>
        {
            var now = _time.GetUtcNow();
            var lifetime = options.Lifetime ?? _sessionLifetime;
            var roots = (options.AllowedRoots.Count > 0 ? options.AllowedRoots : _defaultRoots).Select(Path.GetFullPath).ToList();
            var record = new SessionRecord
            {
                SessionId = SessionTokens.NewSessionId(),
                Label = options.Label,
                CreatedAt = now,
                ExpiresAt = lifetime is { } l ? now + l : null,
                State = "active",
                Transport = options.Transport.ToName(),
                PermissionProfile = options.Profile.ToName(),
                AllowedRoots = roots,
                CurrentNonce = SessionTokens.NewNonce(),
                NonceIssuedAt = now,
            };
            file.Sessions.Add(record);
            return (true, record.ToSession());
        }, cancellationToken);
    }

    /// <summary>Returns the session, or <see langword="null"/>.</summary>
    public async Task<RequestSession?> GetAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        var file = await ReadLockedAsync(cancellationToken).ConfigureAwait(false);
        return file.Sessions.Find(s => s.SessionId == sessionId)?.ToSession();
    }

    /// <summary>Every session, oldest first.</summary>
    public async Task<IReadOnlyList<RequestSession>> ListAsync(CancellationToken cancellationToken = default)
    {
        var file = await ReadLockedAsync(cancellationToken).ConfigureAwait(false);
        return file.Sessions.Select(s => s.ToSession()).ToArray();
    }

    /// <summary>Revokes a session; returns <see langword="false"/> when there is none with that id.</summary>
    public Task<bool> RevokeAsync(string sessionId, CancellationToken cancellationToken = default) => SetStateAsync(sessionId, "revoked", cancellationToken);

    /// <summary>Pauses a session; returns <see langword="false"/> when there is none with that id.</summary>
    public Task<bool> PauseAsync(string sessionId, CancellationToken cancellationToken = default) => SetStateAsync(sessionId, "paused", cancellationToken);

    /// <summary>Resumes a paused session; returns <see langword="false"/> when there is none or it is revoked.</summary>
    public Task<bool> ResumeAsync(string sessionId, CancellationToken cancellationToken = default) =>
        UpdateAsync(file =>
        {
            var record = file.Sessions.Find(s => s.SessionId == sessionId);
            if (record is null || record.State == "revoked")
            {
                return (false, false);
            }

            record.State = "active";
            return (true, true);
        }, cancellationToken);

    /// <summary>Checks a session claim without changing anything.</summary>
    public async Task<SessionCheck> CheckAsync(string? sessionId, string? nonce, RequestTransport transport, CancellationToken cancellationToken = default)
    {
        var file = await ReadLockedAsync(cancellationToken).ConfigureAwait(false);
        return Check(file, sessionId, nonce, transport).Check;
    }

    /// <summary>
    /// Checks and consumes the nonce in one atomic step: on success the nonce is spent, a fresh one issued
    /// (<see cref="SessionCheck.NextNonce"/>) and <paramref name="actionCount"/> added to the session's count,
    /// all persisted before this returns, so before any action runs.
    /// </summary>
    public Task<SessionCheck> ConsumeAsync(string? sessionId, string? nonce, RequestTransport transport, int actionCount, CancellationToken cancellationToken = default) =>
        UpdateAsync(file =>
        {
            var (check, record) = Check(file, sessionId, nonce, transport);
            if (check.Status != SessionCheckStatus.Valid || record is null)
            {
                return (false, check);
            }

            var now = _time.GetUtcNow();
            record.UsedNonces.Add(record.CurrentNonce);
            if (record.UsedNonces.Count > MaxUsedNoncesKept)
            {
                record.UsedNonces.RemoveRange(0, record.UsedNonces.Count - MaxUsedNoncesKept);
            }

            record.UsedNonceCount++;
            record.CurrentNonce = SessionTokens.NewNonce();
            record.NonceIssuedAt = now;
            record.ActionCount += actionCount;
            record.LastActionAt = now;
            return (true, new SessionCheck { Status = SessionCheckStatus.Valid, Message = string.Empty, Session = record.ToSession(), NextNonce = record.CurrentNonce });
        }, cancellationToken);

    private (SessionCheck Check, SessionRecord? Record) Check(SessionFile file, string? sessionId, string? nonce, RequestTransport transport)
    {
        if (string.IsNullOrEmpty(sessionId) || string.IsNullOrEmpty(nonce))
        {
            return (new SessionCheck { Status = SessionCheckStatus.Missing, Message = "Request has no sessionId and nonce." }, null);
        }

        var record = file.Sessions.Find(s => s.SessionId == sessionId);
        if (record is null)
        {
            return (new SessionCheck { Status = SessionCheckStatus.Unknown, Message = "Unknown session." }, null);
        }

        var session = record.ToSession();
        var now = _time.GetUtcNow();
        SessionCheck Invalid(string message) => new() { Status = SessionCheckStatus.Invalid, Message = message, Session = session };

        if (session.State != SessionState.Active)
        {
            return (Invalid($"Session is {session.State.ToName()}."), record);
        }

        if (session.EffectiveState(now) == SessionState.Expired)
        {
            return (Invalid("Session is expired."), record);
        }

        if (record.UsedNonces.Exists(used => SessionTokens.FixedTimeEquals(used, nonce)))
        {
            return (Invalid("Nonce was already used."), record);
        }

        if (!SessionTokens.FixedTimeEquals(record.CurrentNonce, nonce))
        {
            return (Invalid("Nonce does not match current session nonce."), record);
        }

        if (now - record.NonceIssuedAt > _nonceLifetime)
        {
            return (Invalid("Nonce is expired."), record);
        }

        if (session.Transport != transport)
        {
            return (Invalid($"Session is bound to transport {session.Transport.ToName()}, not {transport.ToName()}."), record);
        }

        return (new SessionCheck { Status = SessionCheckStatus.Valid, Message = string.Empty, Session = session }, record);
    }

    private Task<bool> SetStateAsync(string sessionId, string state, CancellationToken cancellationToken) =>
        UpdateAsync(file =>
        {
            var record = file.Sessions.Find(s => s.SessionId == sessionId);
            if (record is null)
            {
                return (false, false);
            }

            record.State = state;
            return (true, true);
        }, cancellationToken);

    private async Task<SessionFile> ReadLockedAsync(CancellationToken cancellationToken) =>
        await UpdateAsync(file => (false, file), cancellationToken).ConfigureAwait(false);

    /// <summary>Runs <paramref name="change"/> under both locks on a fresh read; writes the file when it says so.</summary>
    private async Task<T> UpdateAsync<T>(Func<SessionFile, (bool Write, T Result)> change, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            using var fileLock = await AcquireFileLockAsync(cancellationToken).ConfigureAwait(false);
            var file = Read();
            var (write, result) = change(file);
            if (write)
            {
                Write(file);
            }

            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<FileStream> AcquireFileLockAsync(CancellationToken cancellationToken)
    {
        var deadline = _time.GetTimestamp();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(_lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (_time.GetElapsedTime(deadline) < TimeSpan.FromSeconds(10) && attempt < 1000)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private SessionFile Read()
    {
        if (!File.Exists(_path))
        {
            return new SessionFile();
        }

        try
        {
            return JsonSerializer.Deserialize<SessionFile>(File.ReadAllText(_path), RequestJson.Indented) ?? new SessionFile();
        }
        catch (JsonException ex)
        {
            throw new ConduitException($"The sessions file {_path} is not valid JSON (line {ex.LineNumber + 1}): {ex.Message}", ex);
        }
    }

    private void Write(SessionFile file)
    {
        var temp = $"{_path}.tmp-{Guid.NewGuid():N}";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }

                JsonSerializer.Serialize(stream, file, RequestJson.Indented);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, _path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            File.Delete(temp);
            throw new ConduitException($"Could not write the sessions file {_path}: {ex.Message}", ex);
        }
    }
}
