using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Conduit.Testing;

/// <summary>
/// A loopback "proxy" that refuses everything: the CLIs get it as HTTP(S)_PROXY, so any attempt to reach a host other
/// than 127.0.0.1 ends here, is recorded (its first request line, e.g. <c>CONNECT api.anthropic.com:443</c>) and is
/// closed at once.
/// </summary>
internal sealed class ProxyTrap : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<string> _attempts = new();
    private readonly Task _acceptLoop;

    public ProxyTrap()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _acceptLoop = AcceptAsync(_stopping.Token);
    }

    public Uri Address { get; }

    public IReadOnlyList<string> Attempts => _attempts.ToArray();

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            _ = RecordAndCloseAsync(client, cancellationToken);
        }
    }

    private async Task RecordAndCloseAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using (client)
        {
            var line = "(connection without a request line)";
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(2));
                var buffer = new byte[512];
                var read = await client.GetStream().ReadAsync(buffer, timeout.Token).ConfigureAwait(false);
                var text = Encoding.ASCII.GetString(buffer, 0, read);
                var end = text.IndexOf('\r', StringComparison.Ordinal);
                line = end >= 0 ? text[..end] : text;
            }
            catch (OperationCanceledException)
            {
            }
            catch (IOException)
            {
            }
            catch (SocketException)
            {
            }

            _attempts.Enqueue(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _acceptLoop.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
