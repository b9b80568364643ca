using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Conduit.Server.Security;
using Microsoft.Extensions.Options;

namespace Conduit.Server.Tests;

/// <summary>The attack table of security.md, "The local daemon".</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SecurityTests
{
    private const string ChatBody = """{"project_id":"billing","prompt":"hi"}""";

    [Theory]
    [InlineData("evil.com")]
    [InlineData("evil.com:{port}")]
    [InlineData("127.0.0.1.evil.com:{port}")]
    [InlineData("127.0.0.1:1")]
    [InlineData("127.0.0.1")]
    [InlineData("localhost.evil.com")]
    [InlineData("0.0.0.0:{port}")]
    public async Task A_host_header_that_is_not_loopback_with_our_port_is_refused_before_anything_runs(string host)
    {
        await using var daemon = await TestDaemon.StartAsync();
        var raw = await RawHttp.SendAsync(daemon.Port, $"POST /chat HTTP/1.1\r\nHost: {host.Replace("{port}", daemon.Port.ToString(), StringComparison.Ordinal)}\r\nContent-Type: application/json\r\nContent-Length: {ChatBody.Length}\r\nConnection: close\r\n\r\n{ChatBody}");
        Assert.StartsWith("HTTP/1.1 421", raw);
        Assert.Contains("host_not_allowed", raw);
        Assert.Empty(daemon.Runner.Requests);
    }

    [Fact]
    public async Task An_empty_or_duplicated_host_header_is_refused()
    {
        await using var daemon = await TestDaemon.StartAsync();
        var empty = await RawHttp.SendAsync(daemon.Port, "GET /healthz HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n");
        Assert.Matches("^HTTP/1.1 4(00|21)", empty);
        var duplicated = await RawHttp.SendAsync(daemon.Port, $"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{daemon.Port}\r\nHost: evil.com\r\nConnection: close\r\n\r\n");
        Assert.Matches("^HTTP/1.1 4(00|21)", duplicated);
        Assert.DoesNotContain("\"ok\":true", duplicated);
    }

    [Theory]
    [InlineData("127.0.0.1:{port}")]
    [InlineData("localhost:{port}")]
    [InlineData("LOCALHOST:{port}")]
    [InlineData("[::1]:{port}")]
    public async Task Loopback_host_names_with_our_port_are_accepted(string host)
    {
        await using var daemon = await TestDaemon.StartAsync();
        using var request = daemon.Request(HttpMethod.Get, "/healthz", host: host.Replace("{port}", daemon.Port.ToString(), StringComparison.Ordinal));
        using var response = await daemon.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("http://evil.com")]
    [InlineData("null")]
    [InlineData("http://127.0.0.1:1")]
    [InlineData("https://127.0.0.1:{port}")]
    public async Task A_foreign_or_null_origin_is_403_and_nothing_runs(string origin)
    {
        await using var daemon = await TestDaemon.StartAsync();
        using var request = daemon.Request(HttpMethod.Post, "/chat", ChatBody);
        request.Headers.Add("Origin", origin.Replace("{port}", daemon.Port.ToString(), StringComparison.Ordinal));
        using var response = await daemon.Client.SendAsync(request);
        await Problems.AssertProblemAsync(response, 403, "Origin");
        Assert.Empty(daemon.Runner.Requests);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task The_daemons_own_origin_and_allow_listed_origins_are_accepted()
    {
        await using var daemon = await TestDaemon.StartAsync(o => o.AllowedOrigins.Add("http://tools.internal:3000"));
        foreach (var origin in new[] { $"http://127.0.0.1:{daemon.Port}", "http://tools.internal:3000" })
        {
            using var request = daemon.Request(HttpMethod.Post, "/chat", ChatBody);
            request.Headers.Add("Origin", origin);
            using var response = await daemon.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_cors_preflight_never_succeeds_and_no_answer_carries_a_wildcard_allow_origin()
    {
        await using var daemon = await TestDaemon.StartAsync();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/chat");
        preflight.Headers.Add("Origin", "http://evil.com");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        using var response = await daemon.Client.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        using var chat = await daemon.PostJsonAsync("/chat", ChatBody);
        Assert.False(chat.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/json-patch+json")]
    [InlineData("application/jsonp")]
    [InlineData("application/json; charset=latin1")]
    public async Task State_changing_requests_without_exactly_application_json_are_415_and_nothing_runs(string contentType)
    {
        await using var daemon = await TestDaemon.StartAsync();
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(ChatBody));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await daemon.Client.PostAsync("/chat", content);
        await Problems.AssertProblemAsync(response, 415, "Content-Type");
        Assert.Empty(daemon.Runner.Requests);
    }

    [Fact]
    public async Task A_post_without_content_type_is_415_and_json_with_a_utf8_charset_is_fine()
    {
        await using var daemon = await TestDaemon.StartAsync();
        using var bare = new ByteArrayContent(Encoding.UTF8.GetBytes(ChatBody));
        using var refused = await daemon.Client.PostAsync("/chat", bare);
        await Problems.AssertProblemAsync(refused, 415, "Content-Type");
        using var cancel = await daemon.Client.PostAsync("/runs/run_x/cancel", null);
        await Problems.AssertProblemAsync(cancel, 415, "Content-Type");
        Assert.Empty(daemon.Runner.Requests);

        using var charset = new StringContent(ChatBody, Encoding.UTF8, "application/json");
        Assert.Equal("utf-8", charset.Headers.ContentType!.CharSet);
        using var ok = await daemon.Client.PostAsync("/chat", charset);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task An_oversize_body_is_413_and_nothing_runs()
    {
        await using var daemon = await TestDaemon.StartAsync(o => o.MaxRequestBodyBytes = 4096);
        var prompt = new string('x', 8192);
        using var response = await daemon.PostJsonAsync("/chat", $$"""{"project_id":"billing","prompt":"{{prompt}}"}""");
        await Problems.AssertProblemAsync(response, 413, "body");
        Assert.Empty(daemon.Runner.Requests);
    }

    [Fact]
    public async Task Oversize_headers_are_refused_by_kestrel()
    {
        await using var daemon = await TestDaemon.StartAsync();
        using var request = daemon.Request(HttpMethod.Get, "/healthz");
        request.Headers.Add("X-Padding", new string('a', 20_000));
        using var response = await daemon.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Deeply_nested_json_is_400_not_a_crash()
    {
        await using var daemon = await TestDaemon.StartAsync();
        var deep = new string('[', 100) + new string(']', 100);
        using var response = await daemon.PostJsonAsync("/chat", $$"""{"project_id":"billing","prompt":"hi","runner":{{deep}}}""");
        var body = await Problems.AssertProblemAsync(response, 400, "body");
        Assert.Contains("nested deeper than 32", (string?)body["error"]);
    }

    [Fact]
    public async Task With_a_token_file_requests_need_the_bearer_token_and_the_file_is_private()
    {
        var directory = Directory.CreateTempSubdirectory("conduit-token-").FullName;
        var tokenFile = Path.Combine(directory, "sub", "token");
        try
        {
            await using var daemon = await TestDaemon.StartAsync(o => o.AuthTokenFile = tokenFile);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
            var token = File.ReadAllText(tokenFile).Trim();
            Assert.True(token.Length >= AuthTokenFile.MinimumTokenLength);

            using var missing = await daemon.PostJsonAsync("/chat", ChatBody);
            await Problems.AssertProblemAsync(missing, 401, "Authorization");
            Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);

            using var wrongRequest = daemon.Request(HttpMethod.Post, "/chat", ChatBody);
            wrongRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token[..^1] + (token[^1] == 'a' ? 'b' : 'a'));
            using var wrong = await daemon.Client.SendAsync(wrongRequest);
            await Problems.AssertProblemAsync(wrong, 401);

            using var inQuery = await daemon.Client.GetAsync($"/runs?token={token}");
            await Problems.AssertProblemAsync(inQuery, 401);

            using var events = await daemon.Client.GetAsync("/runs/run_x/events");
            await Problems.AssertProblemAsync(events, 401);
            Assert.Empty(daemon.Runner.Requests);

            using var rightRequest = daemon.Request(HttpMethod.Post, "/chat", ChatBody);
            rightRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var right = await daemon.Client.SendAsync(rightRequest);
            Assert.Equal(HttpStatusCode.OK, right.StatusCode);

            using var health = await daemon.Client.GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_token_file_readable_by_others_or_too_short_is_refused()
    {
        var directory = Directory.CreateTempSubdirectory("conduit-token-").FullName;
        try
        {
            var open = Path.Combine(directory, "open");
            File.WriteAllText(open, new string('a', 64));
            File.SetUnixFileMode(open, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
            var error = Assert.Throws<ConduitException>(() => AuthTokenFile.LoadOrCreate(open));
            Assert.Contains("chmod 600", error.Message);

            var shortToken = Path.Combine(directory, "short");
            File.WriteAllText(shortToken, "secret");
            File.SetUnixFileMode(shortToken, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Assert.Contains("too short", Assert.Throws<ConduitException>(() => AuthTokenFile.LoadOrCreate(shortToken)).Message);

            var created = AuthTokenFile.LoadOrCreate(Path.Combine(directory, "new"));
            Assert.True(created.Created);
            Assert.Equal(created.Token, AuthTokenFile.LoadOrCreate(created.Path).Token);
            Assert.True(created.Matches(created.Token));
            Assert.False(created.Matches(created.Token + "x"));
            Assert.False(created.Matches(null));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("192.168.1.10")]
    public void A_non_loopback_bind_is_refused_without_the_explicit_option(string host)
    {
        var error = Assert.Throws<OptionsValidationException>(() => ConduitServer.CreateBuilder(new ConduitServerOptions { Host = host, Port = 0 }));
        Assert.Contains("refusing to listen on non-loopback address", error.Message);
        Assert.Contains("--allow-non-loopback", error.Message);
    }

    [Fact]
    public async Task A_non_loopback_bind_with_the_option_starts_and_still_checks_the_host_header()
    {
        await using var daemon = await TestDaemon.StartAsync(o =>
        {
            o.Host = "0.0.0.0";
            o.AllowNonLoopback = true;
        });
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{daemon.Port}") };
        using var ok = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using var evil = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        evil.Headers.Host = "evil.com";
        using var refused = await client.SendAsync(evil);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, refused.StatusCode);
    }

    [Fact]
    public async Task The_unix_socket_lives_in_a_private_directory_with_mode_0600_and_serves_requests()
    {
        var root = Directory.CreateTempSubdirectory("conduit-sock-").FullName;
        var socketPath = Path.Combine(root, "run", "conduit.sock");
        try
        {
            await using var daemon = await TestDaemon.StartAsync(o => o.UnixSocketPath = socketPath);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(socketPath)!));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socketPath));

            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
            var answer = await new StreamReader(stream).ReadToEndAsync();
            Assert.StartsWith("HTTP/1.1 200", answer);
            Assert.Contains("{\"ok\":true}", answer);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Pages_carry_a_strict_content_security_policy_and_load_nothing_from_elsewhere()
    {
        await using var daemon = await TestDaemon.StartAsync();
        foreach (var path in new[] { "/status", "/docs", "/playground" })
        {
            using var response = await daemon.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            var csp = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("default-src 'none'", csp);
            Assert.Contains("script-src 'self'", csp);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            var html = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("http://", html);
            Assert.DoesNotContain("https://", html);
            Assert.DoesNotContain("//cdn", html);
        }

        foreach (var asset in new[] { "common.js", "status.js", "docs.js", "playground.js", "style.css" })
        {
            var text = await daemon.Client.GetStringAsync($"/assets/{asset}");
            Assert.DoesNotContain("https://", text);
            Assert.DoesNotContain("innerHTML", text);
        }
    }

    [Fact]
    public async Task Unknown_routes_are_404_problem_details()
    {
        await using var daemon = await TestDaemon.StartAsync();
        using var response = await daemon.Client.GetAsync("/nope");
        var body = await Problems.AssertProblemAsync(response, 404);
        Assert.Equal("Route GET:/nope not found", (string?)body["error"]);
        using var asset = await daemon.Client.GetAsync("/assets/..%2Fsecret.js");
        await Problems.AssertProblemAsync(asset, 404);
    }
}

/// <summary>Sends raw HTTP/1.1 bytes (for headers HttpClient will not send) and returns the raw answer.</summary>
internal static class RawHttp
{
    public static async Task<string> SendAsync(int port, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
        await using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await new StreamReader(stream).ReadToEndAsync(timeout.Token);
    }
}
