using Microsoft.AspNetCore.Mvc;
using TrackerEvents.Api;

namespace TrackerEvents.Admin;

/// <summary>Maps admin calls onto <see cref="AdminRunner"/>; a handler names the services it needs after the <see cref="AdminCall"/>.</summary>
internal static class AdminRoutes
{
    public static RouteHandlerBuilder MapAdminCall<TService>(this IEndpointRouteBuilder routes, string path,
        Func<AdminCall, TService, Task<ApiFields>> handler, bool ingest = false)
        where TService : notnull =>
        routes.Map(path, (HttpContext http, AdminRunner admin, [FromServices] TService service) => admin.RunAsync(http, call => handler(call, service), ingest));

    public static RouteHandlerBuilder MapAdminCall<TService1, TService2>(this IEndpointRouteBuilder routes, string path,
        Func<AdminCall, TService1, TService2, Task<ApiFields>> handler, bool ingest = false)
        where TService1 : notnull
        where TService2 : notnull =>
        routes.Map(path, (HttpContext http, AdminRunner admin, [FromServices] TService1 first, [FromServices] TService2 second) =>
            admin.RunAsync(http, call => handler(call, first, second), ingest));
}
