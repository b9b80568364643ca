using System.Globalization;

namespace Conduit.Cli.Hosting;

/// <summary>Parses durations written as <c>90</c> (seconds), <c>500ms</c>, <c>30s</c>, <c>10m</c>, <c>2h</c> or <c>00:10:00</c>.</summary>
internal static class DurationParser
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var value = text.Trim();
        if (value.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out duration) && duration > TimeSpan.Zero;
        }

        var (number, unit) = Split(value);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            return false;
        }

        TimeSpan? parsed = unit switch
        {
            "" or "s" or "sec" => TimeSpan.FromSeconds(amount),
            "ms" => TimeSpan.FromMilliseconds(amount),
            "m" or "min" => TimeSpan.FromMinutes(amount),
            "h" => TimeSpan.FromHours(amount),
            _ => null,
        };
        if (parsed is null)
        {
            return false;
        }

        duration = parsed.Value;
        return true;
    }

    private static (string Number, string Unit) Split(string value)
    {
        var index = value.Length;
        while (index > 0 && char.IsAsciiLetter(value[index - 1]))
        {
            index--;
        }

        return (value[..index], value[index..].ToLowerInvariant());
    }
}
