using System.Text.Json.Nodes;

namespace Conduit.Requests;

/// <summary>
/// The agent handshake card the local "Copy Agent Handshake" gesture (<c>conduit request pair</c>) copies: rules, a
/// <c>conduit-handshake</c> block (never a request) with the session and its nonce, and a minimal request.
/// </summary>
public static class HandshakeCard
{
    /// <summary>The card's first line.</summary>
    public const string Heading = "CONDUIT PROTOCOL :: AGENT HANDSHAKE";

    /// <summary>The <c>conduit.handshake.v1</c> document for a session.</summary>
    public static JsonObject ToJson(RequestSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new JsonObject
        {
            ["schema"] = "conduit.handshake.v1",
            ["purpose"] = "Pair this chat with Conduit on the user's machine: send one conduit request per turn and read the results the user pastes back.",
            ["docs"] = "Ask with do: \".help\" for the rules, tools and examples.",
            ["session"] = new JsonObject
            {
                ["sessionId"] = session.SessionId,
                ["transport"] = session.Transport.ToName(),
                ["permissionProfile"] = session.PermissionProfile.ToName(),
                ["allowedRoots"] = new JsonArray(session.AllowedRoots.Select(r => (JsonNode?)r).ToArray()),
                ["nonce"] = session.CurrentNonce,
            },
            ["requestContract"] = new JsonObject
            {
                ["requestFence"] = "conduit",
                ["resultFence"] = "CONDUIT_RESULTS_JSON",
                ["finalFence"] = "conduit-final",
                ["minimalFields"] = new JsonArray("v", "session", "n", "do"),
                ["nonceRule"] = "Each nonce works once; use nextNonce from the last results as n.",
                ["oneRequestPerTurn"] = true,
            },
        };
    }

    /// <summary>The card text.</summary>
    public static string Render(RequestSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var minimal = new JsonObject
        {
            ["v"] = "1",
            ["session"] = session.SessionId,
            ["n"] = session.CurrentNonce,
            ["do"] = "list",
            ["path"] = ".",
            ["why"] = "See the project layout.",
        };
        return Heading + "\n\n"
            + "Rules:\n"
            + "- Put exactly one fenced ```conduit block in a turn that should execute; explain it in prose around the block.\n"
            + "- Use the session and the current nonce; every nonce works once. The results carry nextNonce: use it as n next time.\n"
            + "- Justify risky actions with why. Writes and shell need the user's confirmation; some tools are denied by the profile.\n"
            + "- If Conduit answers with a repair, fix the request and retry only if the user agrees.\n"
            + "- End the loop with one ```conduit-final block: {status: complete|blocked|needs_user|failed, summary}.\n\n"
            + "```conduit-handshake\n" + RequestJson.ToIndentedString(ToJson(session)) + "\n```\n\n"
            + "Minimal request:\n\n```conduit\n" + RequestJson.ToIndentedString(minimal) + "\n```\n";
    }
}
