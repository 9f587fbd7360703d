using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using TrackerEvents.Messages;
using TrackerEvents.Tracking;

namespace TrackerEvents.Api;

/// <summary>The parameters of an API call, from a JSON body, a form body (arrays as JSON-encoded strings) or the query string
/// (the body wins). Typed reads record what is wrong; <see cref="ThrowIfInvalid"/> ends the call with error 7 listing it all.</summary>
internal sealed class ApiParameters
{
    private readonly JsonElement? _json;
    private readonly IFormCollection? _form;
    private readonly IQueryCollection _query;
    private readonly FieldErrors _errors = new();

    private ApiParameters(JsonElement? json, IFormCollection? form, IQueryCollection query)
    {
        _json = json;
        _form = form;
        _query = query;
    }

    /// <summary>The parsed JSON body, when the call had one.</summary>
    public JsonElement? Json => _json;

    public static async Task<ApiParameters> ReadAsync(HttpContext http, int maxBytes, CancellationToken cancellationToken)
    {
        var request = http.Request;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        if (request.ContentLength > maxBytes)
        {
            throw new ApiException(ApiError.TooLarge);
        }

        if (HttpMethods.IsPost(request.Method) && request.HasFormContentType)
        {
            try
            {
                return new ApiParameters(null, await request.ReadFormAsync(cancellationToken), request.Query);
            }
            catch (InvalidDataException e)
            {
                // The form reader's own limits (1,024 fields, key and value lengths): a bad request, not a fault.
                throw ApiException.Invalid("form", e.Message);
            }
        }

        if (request.ContentLength == 0 || !HttpMethods.IsPost(request.Method))
        {
            return new ApiParameters(null, null, request.Query);
        }

        // Any other body is read as JSON, whatever its content type says: into a pooled buffer, a byte over its length.
        using var buffer = new PooledBuffer((int)Math.Min(request.ContentLength ?? 0, maxBytes) + 1);
        await buffer.ReadToEndAsync(request.Body, cancellationToken);
        var body = buffer.WrittenMemory;
        if (body.IsEmpty)
        {
            return new ApiParameters(null, null, request.Query);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ApiException(ApiError.WrongFormat);
            }

            if (JsonText.FindInvalid(body.Span, document.RootElement) is { } invalid)
            {
                throw ApiException.Invalid(invalid.Length > 0 ? invalid : "body", "must be valid Unicode text");
            }

            return new ApiParameters(document.RootElement.Clone(), null, request.Query);
        }
        catch (JsonException)
        {
            throw new ApiException(ApiError.WrongFormat);
        }
    }

    /// <summary>The session hash: body, then query, then <c>Authorization: NVX &lt;hash&gt;</c>.</summary>
    public string? Hash(HttpRequest request)
    {
        if (_json is { } json && json.TryGetProperty("hash", out var h))
        {
            return h.ValueKind == JsonValueKind.String ? h.GetString() : "";
        }

        if (_form is not null && _form.TryGetValue("hash", out var formHash))
        {
            return formHash.ToString();
        }

        if (_query.TryGetValue("hash", out var queryHash))
        {
            return queryHash.ToString();
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("NVX ", StringComparison.Ordinal) ? authorization[4..] : null;
    }

    public void ThrowIfInvalid()
    {
        if (_errors.Any)
        {
            throw new ApiException(ApiError.InvalidParameters, _errors.Items);
        }
    }

    public void Fail(string name, string error) => _errors.Add(name, error);

    public bool Has(string name) => TryGet(name, out _, out _);

    public string? String(string name, bool required = false, int maxLength = 1024)
    {
        if (!TryGet(name, out var json, out var text))
        {
            return Missing<string>(name, required);
        }

        var value = json is { } j ? (j.ValueKind == JsonValueKind.String ? j.GetString() : null) : text;
        if (value is null || value.Length == 0 || value.Length > maxLength)
        {
            _errors.Add(name, string.Create(CultureInfo.InvariantCulture, $"must be a string of 1 to {maxLength} characters"));
            return null;
        }

        return value;
    }

    public long? Long(string name, bool required = false, long min = 1, long max = long.MaxValue)
    {
        if (!TryGet(name, out var json, out var text))
        {
            return Missing<long?>(name, required);
        }

        long value;
        var ok = json is { } j
            ? j.ValueKind == JsonValueKind.Number ? j.TryGetInt64(out value) : TryParseLong(j.ValueKind == JsonValueKind.String ? j.GetString() : null, out value)
            : TryParseLong(text, out value);
        if (!ok || value < min || value > max)
        {
            _errors.Add(name, string.Create(CultureInfo.InvariantCulture, $"must be an integer from {min} to {max}"));
            return null;
        }

        return value;
    }

    public bool? Bool(string name)
    {
        if (!TryGet(name, out var json, out var text))
        {
            return null;
        }

        if (json is { ValueKind: JsonValueKind.True or JsonValueKind.False } j)
        {
            return j.GetBoolean();
        }

        var s = json is { ValueKind: JsonValueKind.String } js ? js.GetString() : text;
        if (bool.TryParse(s, out var b))
        {
            return b;
        }

        _errors.Add(name, "must be true or false");
        return null;
    }

    public IReadOnlyList<long>? LongArray(string name, bool required, int maxCount)
    {
        if (ReadArray(name, required, maxCount) is not { } array)
        {
            return null;
        }

        var values = new List<long>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var value) || value < 1)
            {
                _errors.Add(name, "must be an array of positive integers");
                return null;
            }

            values.Add(value);
        }

        return values;
    }

    public IReadOnlyList<string>? StringArray(string name, bool required, int maxCount, int maxLength)
    {
        if (ReadArray(name, required, maxCount) is not { } array)
        {
            return null;
        }

        var values = new List<string>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || item.GetString() is not { Length: > 0 } s || s.Length > maxLength)
            {
                _errors.Add(name, string.Create(CultureInfo.InvariantCulture, $"must be an array of strings of 1 to {maxLength} characters"));
                return null;
            }

            values.Add(s);
        }

        if (values.Distinct(StringComparer.Ordinal).Count() != values.Count)
        {
            _errors.Add(name, "must not contain duplicates");
            return null;
        }

        return values;
    }

    private JsonElement? ReadArray(string name, bool required, int maxCount)
    {
        if (!TryGet(name, out var json, out var text))
        {
            return Missing<JsonElement?>(name, required);
        }

        JsonElement? array = json is { ValueKind: JsonValueKind.Array } j ? j : null;
        var encoded = json is { ValueKind: JsonValueKind.String } js ? js.GetString() : text;
        if (array is null && encoded is not null)
        {
            try
            {
                using var document = JsonDocument.Parse(encoded);
                array = document.RootElement.ValueKind == JsonValueKind.Array ? document.RootElement.Clone() : null;
            }
            catch (JsonException)
            {
                array = null;
            }
        }

        if (array is not { } a || a.GetArrayLength() == 0 || a.GetArrayLength() > maxCount)
        {
            _errors.Add(name, string.Create(CultureInfo.InvariantCulture, $"must be an array of 1 to {maxCount} items"));
            return null;
        }

        return a;
    }

    private T? Missing<T>(string name, bool required)
    {
        if (required)
        {
            _errors.Add(name, "is required");
        }

        return default;
    }

    private bool TryGet(string name, out JsonElement? json, out string? text)
    {
        json = null;
        text = null;
        if (_json is { } body && body.TryGetProperty(name, out var element) && element.ValueKind != JsonValueKind.Null)
        {
            json = element;
            return true;
        }

        if (_form is not null && _form.TryGetValue(name, out var formValue))
        {
            text = formValue.ToString();
            return true;
        }

        if (_query.TryGetValue(name, out var queryValue))
        {
            text = queryValue.ToString();
            return true;
        }

        return false;
    }

    private static bool TryParseLong(string? text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}
