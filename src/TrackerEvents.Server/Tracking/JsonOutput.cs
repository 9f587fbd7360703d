using System.Text.Encodings.Web;
using System.Text.Json;

namespace TrackerEvents.Tracking;

/// <summary>
/// How every JSON document we write is encoded: non-ASCII text and characters such as <c>+</c> stay as
/// they are instead of becoming <c>\uXXXX</c> escapes (the output is JSON, never embedded in HTML).
/// </summary>
internal static class JsonOutput
{
    public static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
