namespace TrackerEvents.Hosting;

/// <summary>Which listener an endpoint answers on, and the middleware that holds every request to it.</summary>
internal static class ListenerExtensions
{
    /// <summary>The endpoints answer only on <paramref name="listener"/> (a name from <see cref="Listeners.Serving"/>).</summary>
    public static TBuilder OnListener<TBuilder>(this TBuilder builder, string listener) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ListenerMetadata(listener));

    /// <summary>
    /// A request reaches an endpoint only on that endpoint's listener (<c>main</c> unless it says otherwise);
    /// anything else, and anything without an endpoint on another listener than <c>main</c>, is 404.
    /// </summary>
    public static WebApplication UseListeners(this WebApplication app)
    {
        app.Use((http, next) =>
        {
            var wanted = http.GetEndpoint()?.Metadata.GetMetadata<ListenerMetadata>()?.Listener ?? Listeners.Main;
            if (wanted == Listeners.Of(http))
            {
                return next(http);
            }

            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        return app;
    }

    private sealed record ListenerMetadata(string Listener);
}
