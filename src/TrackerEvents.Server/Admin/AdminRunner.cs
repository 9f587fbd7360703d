using Microsoft.Extensions.Options;
using TrackerEvents.Api;
using TrackerEvents.Messages;

namespace TrackerEvents.Admin;

/// <summary>Runs admin and ingest calls in the API's envelope, for callers that present the admin key (<c>X-Api-Key</c>).</summary>
internal sealed class AdminRunner(ApiRunner api, AdminKey key, IOptions<AdminOptions> options)
{
    /// <param name="ingest">Bodies up to <see cref="AdminOptions.MaxIngestBytes"/> (rather than the API's limit).</param>
    public Task RunAsync(HttpContext http, Func<AdminCall, Task<ApiFields>> handler, bool ingest) =>
        api.RunAsync(http, parameters => handler(new AdminCall(http, parameters, options.Value)), ingest ? options.Value.MaxIngestBytes : null,
            authorize: request => key.Matches(request.Request.Headers["X-Api-Key"].ToString()) ? null : ApiError.ServiceAuth);
}
