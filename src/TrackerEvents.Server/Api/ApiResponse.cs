using TrackerEvents.Messages;
using TrackerEvents.Tracking;
using System.Text.Json;

namespace TrackerEvents.Api;

/// <summary>Writes the fields of a successful response after <c>"success": true</c>.</summary>
internal delegate void ApiFields(Utf8JsonWriter writer);

/// <summary>The JSON envelope every API answer uses.</summary>
internal static class ApiResponse
{
    public static readonly ApiFields Empty = static _ => { };

    public static async Task WriteSuccessAsync(HttpResponse response, ApiFields fields, CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        NoStore(response);
        await using (var writer = new Utf8JsonWriter(response.BodyWriter, JsonOutput.Options))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("success", true);
            fields(writer);
            writer.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    public static async Task WriteErrorAsync(HttpResponse response, ApiException exception, CancellationToken cancellationToken)
    {
        if (response.HasStarted)
        {
            return; // a failure halfway through a body cannot be turned into an error any more
        }

        response.StatusCode = exception.Error.HttpStatus;
        response.ContentType = "application/json; charset=utf-8";
        NoStore(response);
        await using (var writer = new Utf8JsonWriter(response.BodyWriter, JsonOutput.Options))
        {
            WriteError(writer, exception);
        }

        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// No answer of the API may be kept by a browser or a proxy: each is one user's data, and some carry a
    /// session hash or an API key (<c>user/auth</c>, <c>/admin/api_keys</c>).
    /// </summary>
    private static void NoStore(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
    }

    public static void WriteError(Utf8JsonWriter writer, ApiException exception)
    {
        writer.WriteStartObject();
        writer.WriteBoolean("success", false);
        writer.WriteStartObject("status");
        writer.WriteNumber("code", exception.Error.Code);
        writer.WriteString("description", exception.Error.Description);
        writer.WriteEndObject();
        if (exception.Errors is { Count: > 0 } errors)
        {
            FieldErrors.Write(writer, errors);
        }

        writer.WriteEndObject();
    }
}
