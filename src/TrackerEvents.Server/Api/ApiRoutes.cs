using Microsoft.AspNetCore.Mvc;
using TrackerEvents.Messages;

namespace TrackerEvents.Api;

/// <summary>
/// Maps API methods onto <see cref="ApiRunner"/>. A handler names the services it needs as parameters after
/// the <see cref="ApiContext"/>; they come from dependency injection, as for any minimal-API handler.
/// </summary>
internal static class ApiRoutes
{
    public static RouteHandlerBuilder MapApi<TService>(this IEndpointRouteBuilder routes, string path, Func<ApiContext, TService, Task<ApiFields>> handler)
        where TService : notnull =>
        routes.Map(path, (HttpContext http, ApiRunner api, [FromServices] TService service) => api.RunAuthenticatedAsync(http, call => handler(call, service)));

    public static RouteHandlerBuilder MapApi<TService1, TService2>(this IEndpointRouteBuilder routes, string path,
        Func<ApiContext, TService1, TService2, Task<ApiFields>> handler)
        where TService1 : notnull
        where TService2 : notnull =>
        routes.Map(path, (HttpContext http, ApiRunner api, [FromServices] TService1 first, [FromServices] TService2 second) =>
            api.RunAuthenticatedAsync(http, call => handler(call, first, second)));

    /// <summary>Answers error 111 for any path under the API base that no method matches.</summary>
    public static RouteHandlerBuilder MapApiFallback(this IEndpointRouteBuilder routes, string basePath) =>
        routes.Map(basePath + "/{**rest}", (HttpContext http, ApiRunner api) => api.RunAsync(http, _ => throw new ApiException(ApiError.WrongHandler)));
}
