using System.Net;
using System.Text.Json;

namespace TrackerEvents.Tests.Infrastructure;

/// <summary>An HTTP answer of the API: its status and JSON body.</summary>
internal sealed record ApiAnswer(HttpStatusCode Status, JsonElement Body, string ContentType)
{
    public bool Success => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("success", out var s) && s.GetBoolean();

    /// <summary>The error code (<c>status.code</c>), or 0 for a success.</summary>
    public int Code => Success ? 0 : Body.GetProperty("status").GetProperty("code").GetInt32();

    public JsonElement this[string name] => Body.GetProperty(name);

    public IEnumerable<string> ErrorParameters =>
        Body.TryGetProperty("errors", out var errors) ? errors.EnumerateArray().Select(e => e.GetProperty("parameter").GetString()!) : [];

    public ApiAnswer ShouldSucceed()
    {
        Success.Should().BeTrue($"the call should succeed, but answered {(int)Status}: {Body}");
        Status.Should().Be(HttpStatusCode.OK);
        return this;
    }

    public ApiAnswer ShouldFail(int code, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        Success.Should().BeFalse($"the call should fail with {code}, but answered {Body}");
        Code.Should().Be(code, $"body was {Body}");
        Status.Should().Be(status);
        ContentType.Should().StartWith("application/json");
        Body.GetProperty("status").GetProperty("description").GetString().Should().NotBeNullOrEmpty();
        return this;
    }

    public static async Task<ApiAnswer> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        return new ApiAnswer(response.StatusCode, document.RootElement.Clone(), response.Content.Headers.ContentType?.ToString() ?? "");
    }
}
