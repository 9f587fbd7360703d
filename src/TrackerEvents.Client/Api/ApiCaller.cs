using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TrackerEvents.Client.Json;

namespace TrackerEvents.Client.Api;

/// <summary>
/// One call of the Navixy HTTP API: POST of a JSON body to <c>{api}/{method}</c>, the hash in
/// <c>Authorization: NVX</c>, ISO dates asked for with <c>NVX-ISO-DateTime</c>; an error answer becomes its
/// typed <see cref="NavixyApiException"/>.
/// </summary>
internal sealed class ApiCaller(HttpClient http, Uri apiUrl)
{
    private readonly Uri _base = TrackerEventsClientOptions.WithSlash(apiUrl);

    public async Task<T> CallAsync<T>(
        string method, string? hash, Action<Utf8JsonWriter>? parameters, JsonTypeInfo<T> answer, CancellationToken cancellationToken)
    {
        var body = await SendAsync(method, hash, parameters, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Deserialize(body, answer)
            ?? throw new JsonException($"{method}: an empty answer");
    }

    /// <summary>The answer's bytes, once it is known to be a success.</summary>
    public async Task<byte[]> SendAsync(string method, string? hash, Action<Utf8JsonWriter>? parameters, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_base, method)) { Content = Body(parameters) };
        if (hash is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("NVX", hash);
        }

        request.Headers.Add("NVX-ISO-DateTime", "true");
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        ApiEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(bytes, ClientJson.Default.ApiEnvelope);
        }
        catch (JsonException e)
        {
            throw new HttpRequestException($"{method}: HTTP {(int)response.StatusCode} without a JSON answer", e, response.StatusCode);
        }

        if (envelope is null || !envelope.Success)
        {
            var status = envelope?.Status ?? new ErrorStatus(0, $"HTTP {(int)response.StatusCode}");
            throw NavixyApiException.For(status.Code, status.Description ?? "", method, envelope?.Errors);
        }

        return bytes;
    }

    private static ByteArrayContent Body(Action<Utf8JsonWriter>? parameters)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            parameters?.Invoke(writer);
            writer.WriteEndObject();
        }

        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }
}
