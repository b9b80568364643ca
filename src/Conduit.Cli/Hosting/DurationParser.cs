using System.Globalization;
using Conduit.Policies;

namespace Conduit.Cli.Hosting;

/// <summary>
/// Parses command-line durations: the policy file forms (<c>90</c> seconds, <c>500ms</c>, <c>30s</c>, <c>10m</c>,
/// <c>2h</c>; see <see cref="PolicyDurations"/>) or <c>00:10:00</c>. A command-line timeout must be positive.
/// </summary>
internal static class DurationParser
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var parsed = text.Contains(':', StringComparison.Ordinal)
            ? TimeSpan.TryParse(text.Trim(), CultureInfo.InvariantCulture, out duration)
            : PolicyDurations.TryParse(text, out duration);
        return parsed && duration > TimeSpan.Zero;
    }
}
