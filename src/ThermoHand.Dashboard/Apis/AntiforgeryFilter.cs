using Microsoft.AspNetCore.Antiforgery;

namespace ThermoHand.Dashboard.Apis;

/// <summary>
/// Checks the antiforgery token on JSON POST/PUT/DELETE from the browser (the token travels in the
/// RequestVerificationToken header; forms are checked by Razor Pages themselves). Without it, a page on another site
/// could make a logged-in browser create users or change data.
/// </summary>
public sealed class AntiforgeryFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return Results.Problem("missing or invalid antiforgery token (header RequestVerificationToken)", statusCode: StatusCodes.Status400BadRequest);
            }
        }

        return await next(context);
    }
}
