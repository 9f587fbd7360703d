using System.Diagnostics;
using System.Globalization;
using System.Text;
using TrackerEvents.Connections;
using TrackerEvents.Devices;
using TrackerEvents.Diagnostics;
using TrackerEvents.Dispatch;
using TrackerEvents.Store;
using TrackerEvents.Subscriptions;

namespace TrackerEvents.Hosting;

/// <summary><c>/metrics</c>: the server's gauges and counters in the Prometheus text format. Reads memory only, never the store.</summary>
internal static class MetricsEndpoint
{
    public static IEndpointConventionBuilder MapMetrics(this IEndpointRouteBuilder routes) => routes.MapGet("/metrics",
        (ConnectionSlots slots, ClientRegistry registry, ConnectionMetrics metrics, ChangeDispatcher dispatcher, SubscriptionIndex index,
            DeviceMetrics devices, StateStore states, PhaseTimings timings, BatchFrames frames, CarriedChanges carried, HttpContext context) =>
        {
            using var process = Process.GetCurrentProcess();
            var text = new StringBuilder();
            Metric(text, "trackerevents_connections", "gauge", "Live connections (WebSockets and held HTTP requests).", slots.Connections);
            Metric(text, "trackerevents_connections_refused_total", "counter", "Connections refused at the process or address limit.", slots.Refused);
            Metric(text, "trackerevents_clients", "gauge", "Clients known by tracking id, retained ones included.", registry.Clients);
            Metric(text, "trackerevents_watched_trackers", "gauge", "Trackers at least one client watches.", index.TrackersWatched);
            Metric(text, "trackerevents_messages_sent_total", "counter", "Messages written to clients.", metrics.MessagesSent);
            Labelled(text, "trackerevents_disconnects_total", "Connections ended or refused, by reason.", metrics.Disconnects);
            Labelled(text, "trackerevents_clients_released_total", "Clients dropped for good, by reason.", metrics.Releases);
            Metric(text, "trackerevents_batch_frames_built_total", "counter", "Batch frames built (state_batch).", frames.Built);
            Metric(text, "trackerevents_batch_frames_shared_total", "counter", "Batch frames sent to another connection with the same items instead of being built again.", frames.Shared);
            Metric(text, "trackerevents_changes_dispatched_total", "counter", "Changes routed to clients (from the feed or handed over).", dispatcher.Dispatched);
            Metric(text, "trackerevents_changes_handed_total", "counter", "Changes routed without a feed read: this node's commits, and other nodes' carried to it.", dispatcher.Handed);
            Metric(text, "trackerevents_changes_carried_total", "counter", "Changes other nodes carried to this one in their notifications (PostgreSQL).", carried.Taken);
            Metric(text, "trackerevents_feed_reads_total", "counter", "Reads of the change feed.", dispatcher.FeedReads);
            Metric(text, "trackerevents_feed_watermark", "gauge", "Highest change version dispatched.", dispatcher.Watermark);
            Metric(text, "trackerevents_feed_failing", "gauge", "1 while the change feed cannot be read.", dispatcher.Failing ? 1 : 0);
            if (context.RequestServices.GetService<PostgresChangeListener>() is { } listener)
            {
                Metric(text, "trackerevents_change_listener_up", "gauge", "1 while the change listener is connected (PostgreSQL).", listener.Listening ? 1 : 0);
            }

            Metric(text, "trackerevents_device_points_total", "counter", "Device points stored and acknowledged.", devices.Points);
            Labelled(text, "trackerevents_device_rejected_total", "Device requests refused, by reason.", devices.Rejected);
            Metric(text, "trackerevents_group_commits_total", "counter", "Transactions of single state writes (group commit).", states.Group.Commits);
            Metric(text, "trackerevents_group_commit_items_total", "counter", "Single state writes committed by group commit.", states.Group.Items);
            Metric(text, "trackerevents_group_commit_seconds_total", "counter", "Time spent writing group commits.", states.Group.WriteTime.TotalSeconds);
            foreach (var histogram in timings.All)
            {
                histogram.WriteTo(text);
            }

            Metric(text, "process_resident_memory_bytes", "gauge", "Resident set size.", process.WorkingSet64);
            Metric(text, "process_cpu_seconds_total", "counter", "CPU time used.", process.TotalProcessorTime.TotalSeconds);
            Metric(text, "dotnet_gc_heap_bytes", "gauge", "Managed heap size.", GC.GetGCMemoryInfo().HeapSizeBytes);
            Metric(text, "dotnet_gc_allocated_bytes_total", "counter", "Bytes allocated on the managed heap since start.", GC.GetTotalAllocatedBytes());
            Metric(text, "dotnet_threadpool_threads", "gauge", "Thread pool threads.", ThreadPool.ThreadCount);
            return Results.Text(text.ToString(), "text/plain; version=0.0.4; charset=utf-8");
        });

    private static void Metric(StringBuilder text, string name, string type, string help, double value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n{name} {value}\n");

    private static void Labelled(StringBuilder text, string name, string help, IReadOnlyDictionary<string, long> byReason)
    {
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} counter\n");
        foreach (var (reason, count) in byReason.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"{name}{{reason=\"{reason}\"}} {count}\n");
        }
    }
}
