using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace Conduit;

/// <summary>
/// Conduit's <see cref="System.Diagnostics.ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/>, both
/// named <c>Conduit</c>. Subscribe with OpenTelemetry (<c>AddSource(ConduitTelemetry.ActivitySourceName)</c>,
/// <c>AddMeter(ConduitTelemetry.MeterName)</c>) or with an <see cref="ActivityListener"/> / <see cref="MeterListener"/>.
/// Instrument, activity and tag names are in <see cref="ConduitInstrumentNames"/>, <see cref="ConduitActivityNames"/>
/// and <see cref="ConduitTagNames"/>; docs/observability.md lists them with units.
/// </summary>
public static class ConduitTelemetry
{
    /// <summary>The name of Conduit's activity source: <c>Conduit</c>.</summary>
    public const string ActivitySourceName = "Conduit";

    /// <summary>The name of Conduit's meter: <c>Conduit</c>.</summary>
    public const string MeterName = "Conduit";

    /// <summary>The version the source and the meter report: the informational version of Conduit.Abstractions.</summary>
    public static string Version { get; } =
        typeof(ConduitTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(ConduitTelemetry).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";

    /// <summary>The activity source every Conduit package starts its activities on.</summary>
    public static ActivitySource ActivitySource { get; } = new(ActivitySourceName, Version);

    /// <summary>The meter every Conduit package creates its instruments on.</summary>
    public static Meter Meter { get; } = new(MeterName, Version);

    /// <summary>
    /// The bucket boundaries Conduit's duration histograms suggest, in seconds (agent runs take seconds to hours, not
    /// the milliseconds of the default buckets): 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600.
    /// </summary>
    public static InstrumentAdvice<double> DurationAdvice { get; } = new()
    {
        HistogramBucketBoundaries = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600],
    };
}
