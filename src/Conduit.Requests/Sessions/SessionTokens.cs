using System.Security.Cryptography;

namespace Conduit.Requests;

/// <summary>Random identifiers: <c>sess_</c> + base64url(16 bytes) and <c>call_</c> + base64url(32 bytes).</summary>
internal static class SessionTokens
{
    public static string NewSessionId() => "sess_" + Base64Url(RandomNumberGenerator.GetBytes(16));

    public static string NewNonce() => "call_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(a), System.Text.Encoding.UTF8.GetBytes(b));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
