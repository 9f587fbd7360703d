using System.ComponentModel.DataAnnotations;

namespace TrackerEvents.Api;

/// <summary>Section <c>Api</c>: the Navixy-compatible HTTP API.</summary>
public sealed class ApiOptions : IValidatableObject
{
    /// <summary>Base path of the API. Default <c>/v2</c>.</summary>
    [Required, RegularExpression("^(/[A-Za-z0-9._~-]+)*$", ErrorMessage = "Api:BasePath must look like /v2 (or be empty).")]
    public string BasePath { get; set; } = "/v2";

    /// <summary>Requests per <see cref="RateLimitWindow"/> per hash before error 15. Default 50.</summary>
    [Range(1, 1_000_000)]
    public int RateLimit { get; set; } = 50;

    /// <summary>Requests per <see cref="RateLimitWindow"/> per client address before error 15. Default 50.</summary>
    [Range(1, 1_000_000)]
    public int AddressRateLimit { get; set; } = 50;

    /// <summary>Window of <see cref="RateLimit"/> and <see cref="AddressRateLimit"/>. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest request body, in bytes, before error 9. Default 256 KiB.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxRequestBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// Browser origins allowed to call the HTTP API and the event endpoint's HTTP transports across origins
    /// (CORS), e.g. <c>https://fleet.example.com</c>; <c>*</c> allows any. Default empty: same origin only.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        foreach (var origin in AllowedOrigins.Where(o => !ApiCors.IsOrigin(o)))
        {
            yield return new ValidationResult(
                $"Api:AllowedOrigins must hold origins like https://fleet.example.com (scheme, host, optional port) or *; got '{origin}'.",
                [nameof(AllowedOrigins)]);
        }
    }
}
