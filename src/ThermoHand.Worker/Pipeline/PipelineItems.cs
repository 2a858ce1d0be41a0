using ThermoHand.Analysis;
using ThermoHand.Mlx90640;
using ThermoHand.Recording.Native;

namespace ThermoHand.Worker.Pipeline;

/// <summary>
/// What travels through a sensor's storage channel, in order: subpages from acquisition, and the session's own
/// markers (open, event, environment reading, close) from the coordinator. One channel keeps them in time order, so
/// the consumer never needs a lock and a session closes only after every subpage acquired before its end.
/// </summary>
public abstract record PipelineItem;

/// <summary>A raw subpage, stamped in pipeline-clock seconds (<see cref="PipelineClock"/>).</summary>
public sealed record SubpageItem(RawSubpage Subpage) : PipelineItem;

public sealed record OpenSessionItem(HandSessionRecording Recording) : PipelineItem;

public sealed record EventItem(SessionEvent Event) : PipelineItem;

public sealed record EnvironmentItem(EnvironmentReading Reading) : PipelineItem;

public sealed record AnnotationItem(Annotation Annotation) : PipelineItem;

public sealed record CloseSessionItem(TaskCompletionSource<HandSessionResult> Done) : PipelineItem;

/// <summary>Everything a hand pipeline needs to record one session.</summary>
/// <param name="SessionId">The session's random id (never the patient reference).</param>
/// <param name="OriginSeconds">Pipeline-clock seconds at session time 0 (acclimatisation_start).</param>
/// <param name="Writer">The open recording of this hand.</param>
/// <param name="ReflectedTemperatureCelsius">Fixed reflected temperature for the session; null = each subpage's Ta − 8 °C.</param>
/// <param name="AnalysisFile">Where the final analysis JSON of this hand goes.</param>
public sealed record HandSessionRecording(string SessionId, double OriginSeconds, SessionRecordingWriter Writer, float? ReflectedTemperatureCelsius, string AnalysisFile);

/// <summary>What a hand's recording holds when its session closes.</summary>
public sealed record HandSessionResult(Hand Hand, long SubpagesRecorded, long FramesAssembled, double? LastTimeSeconds, Analysis.Results.AnalysisResult? FinalAnalysis, string? Failure);
