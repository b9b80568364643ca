using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Conduit.Requests;

/// <summary>
/// Generates the stable id of an action without one: <c>&lt;slug&gt;_&lt;hash8&gt;</c>, where slug is the tool with
/// non-alphanumeric runs replaced by <c>_</c>, trimmed and lower-cased (<c>action</c> when empty), and hash8 the first
/// 8 hex digits of the SHA-256 of the compact JSON <c>{"tool":…,"args":…,"index":i}</c>.
/// </summary>
internal static partial class ActionIdGenerator
{
    public static string Generate(string tool, JsonObject args, int index)
    {
        var slug = NonAlphanumeric().Replace(tool, "_").Trim('_').ToLowerInvariant();
        if (slug.Length == 0)
        {
            slug = "action";
        }

        var payload = new JsonObject
        {
            ["tool"] = tool,
            ["args"] = args.DeepClone(),
            ["index"] = index,
        };
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(RequestJson.ToCompactString(payload)));
        return $"{slug}_{Convert.ToHexStringLower(hash)[..8]}";
    }

    [GeneratedRegex("[^A-Za-z0-9]+", RegexOptions.CultureInvariant)]
    private static partial Regex NonAlphanumeric();
}
