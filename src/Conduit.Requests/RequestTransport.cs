namespace Conduit.Requests;

/// <summary>The channel a request arrived on; a session is bound to one transport.</summary>
public enum RequestTransport
{
    /// <summary>The clipboard (also files and links).</summary>
    Clipboard = 0,

    /// <summary>A browser extension driving an agent loop.</summary>
    Extension,

    /// <summary>A browser loop with unattended execution, visibly flagged.</summary>
    BrowserYolo,

    /// <summary>The daemon's HTTP API.</summary>
    Api,
}

/// <summary>Wire names of <see cref="RequestTransport"/>.</summary>
public static class RequestTransportNames
{
    /// <summary>The wire name: <c>clipboard</c>, <c>extension</c>, <c>browser-yolo</c> or <c>api</c>.</summary>
    public static string ToName(this RequestTransport transport) => transport switch
    {
        RequestTransport.Clipboard => "clipboard",
        RequestTransport.Extension => "extension",
        RequestTransport.BrowserYolo => "browser-yolo",
        RequestTransport.Api => "api",
        _ => throw new ArgumentOutOfRangeException(nameof(transport), transport, null),
    };

    /// <summary>Parses a wire name.</summary>
    public static bool TryParse(string? name, out RequestTransport transport)
    {
        transport = default;
        switch (name)
        {
            case "clipboard": transport = RequestTransport.Clipboard; return true;
            case "extension": transport = RequestTransport.Extension; return true;
            case "browser-yolo": transport = RequestTransport.BrowserYolo; return true;
            case "api": transport = RequestTransport.Api; return true;
            default: return false;
        }
    }
}
