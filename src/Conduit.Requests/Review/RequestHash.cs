using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Conduit.Requests;

/// <summary>The SHA-256 of a canonical request: object keys sorted, arrays (actions) in order, compact JSON.</summary>
public static class RequestHash
{
    /// <summary>Lower-case hex SHA-256 of the canonical text of <paramref name="canonical"/>.</summary>
    public static string Compute(JsonNode canonical)
    {
        ArgumentNullException.ThrowIfNull(canonical);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(RequestJson.ToCanonicalString(canonical))));
    }
}
