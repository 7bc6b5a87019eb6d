import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { mapWorkspace } from '../../../src/mapping/index';
import { FIXTURES, mapper, summarize } from './support';

/** Maps a fixture workspace and returns its summary (see support.ts). */
async function map(name: string): Promise<Record<string, string[]>> {
  const ws = await mapWorkspace(await mapper(), path.join(FIXTURES, name));
  assert.deepEqual(ws.errors, []);
  assert.ok(ws.documents.every((d) => !d.hasErrors), 'fixtures parse without syntax errors');
  return summarize(ws.documents);
}

describe('mapping: fixture workspaces (exact maps)', function () {
  this.timeout(30_000);

  it('Python FastAPI: APIRouter prefixes, include_router across files, imported and module tracers', async () => {
    assert.deepEqual(await map('python-fastapi'), {
      'app/main.py': ['12 app.main.root (function) | GET /'],
      'app/routers/health.py': ['6 app.routers.health.healthz (function) | GET /healthz'],
      'app/routers/orders.py': ['8 app.routers.orders.get_order (function) | span orders.get * [template] @shop.telemetry | GET /api/v1/orders/{order_id}'],
      'app/routers/users.py': [
        '9 app.routers.users.get_user (function) | span users.fetch @shop.telemetry | GET /api/users/{user_id}',
        '15 app.routers.users.create_user (function) | POST /api/users/',
        '20 app.routers.users.avatar (function) | GET /api/users/{user_id}/avatar | HEAD /api/users/{user_id}/avatar',
      ],
      'app/services/user_service.py': [
        '7 app.services.user_service.UserRepository.find (method) | span db.users.find @app.services.user_service',
        '13 app.services.user_service.UserService.__init__ (method)',
        '16 app.services.user_service.UserService.load (method) | span users.load @app.services.user_service',
        '20 app.services.user_service.UserService.create (method) | span users.create @app.services.user_service',
        '27 app.services.user_service.UserService._validate (method)',
        '28 app.services.user_service.UserService._validate.check (function)',
      ],
    });
  });

  it('Python Flask: blueprints, url_prefix replaced at registration, methods=[...]', async () => {
    assert.deepEqual(await map('python-flask'), {
      'shop/__init__.py': ['7 shop.create_app (function)'],
      'shop/admin.py': ['6 shop.admin.stats (function) | GET /admin/stats/<path:section>'],
      'shop/orders.py': [
        '8 shop.orders.order (function) | span orders.lookup @shop.orders | GET /api/orders/<int:order_id> | DELETE /api/orders/<int:order_id>',
        '14 shop.orders.list_orders (function) | GET /api/orders/',
        '19 shop.orders.create_order (function) | POST /api/orders/',
      ],
    });
  });

  it('Express (TypeScript): Router mounted with app.use, handlers imported, route() chains, inline handlers', async () => {
    assert.deepEqual(await map('express-ts'), {
      'src/app.ts': ['10 GET /health (handler) | GET /health', '14 start (function)'],
      'src/handlers/users.ts': [
        '7 UserStore.find (method) | span users.find @shop-api',
        '17 UserStore.count (method)',
        '22 getUser (function) | GET /api/users/:id | PUT /api/users/:id/avatar',
        '27 listUsers (function) | span users.list * [template] @shop-api | GET /api/users/',
      ],
      'src/routes/orders.ts': ['6 payOrder (handler) | span payments.charge @payments | POST /api/orders/:orderId/pay'],
      'src/routes/users.ts': ['10 GET /:id/avatar (handler) | GET /api/users/:id/avatar'],
    });
  });

  it('NestJS: @Controller prefix, verb decorators, global prefix from main.ts', async () => {
    assert.deepEqual(await map('nestjs'), {
      'src/main.ts': ['4 bootstrap (function)'],
      'src/users/users.controller.ts': [
        '6 UsersController.constructor (method)',
        '9 UsersController.findAll (method) | GET /api/users',
        '14 UsersController.findOne (method) | GET /api/users/:id',
        '19 UsersController.create (method) | POST /api/users',
        '24 UsersController.remove (method) | DELETE /api/users/:id',
      ],
      'src/users/users.service.ts': [
        '8 UsersService.findAll (method) | span users.findAll @users-service',
        '15 UsersService.findOne (method) | span users.findOne @users-service',
      ],
    });
  });

  it('Go chi: nested r.Route prefixes, method values from another package, package tracer in another file', async () => {
    assert.deepEqual(await map('go-chi'), {
      'internal/orders/handler.go': [
        '12 orders.NewHandler (function)',
        '16 orders.Handler.GetOrder (method) | span orders.get @github.com/acme/shop/internal/orders | GET /api/orders/{orderID}',
        '22 orders.Handler.CreateOrder (method) | POST /api/orders/',
      ],
      'internal/orders/store.go': ['11 orders.Store.Find (method) | span store.find @orders-store'],
      'main.go': ['11 main.main (function)', '20 GET /healthz (handler) | GET /healthz'],
    });
  });

  it('Go gin: groups and nested groups', async () => {
    assert.deepEqual(await map('go-gin'), {
      'main.go': [
        '10 main.main (function)',
        '18 DELETE /items/:id (handler) | DELETE /v1/admin/items/:id',
        '24 main.getItem (function) | span items.get @catalog | GET /v1/items/:id',
        '30 main.createItem (function) | POST /v1/items',
      ],
    });
  });

  it('Go net/http: ServeMux, Go 1.22 method patterns, wrapped handlers', async () => {
    assert.deepEqual(await map('go-nethttp'), {
      'main.go': ['9 main.main (function)', '17 main.getItem (function) | GET /items/{id}', '19 main.orders (function) | * /orders/', '21 main.healthz (function) | * /healthz'],
    });
  });

  it('Java Spring: class @RequestMapping prefix, @GetMapping, @RequestMapping(method=…), @WithSpan, spanBuilder', async () => {
    assert.deepEqual(await map('java-spring'), {
      'src/main/java/com/acme/shop/service/UserService.java': [
        '11 com.acme.shop.service.UserService.load (method) | span UserService.load @? | span users.query @com.acme.shop',
        '21 com.acme.shop.service.UserService.save (method) | span users.save @?',
        '27 com.acme.shop.service.UserService.Audit.record (method)',
      ],
      'src/main/java/com/acme/shop/web/UserController.java': [
        '11 com.acme.shop.web.UserController.UserController (method)',
        '15 com.acme.shop.web.UserController.get (method) | GET /api/users/{id}',
        '20 com.acme.shop.web.UserController.create (method) | POST /api/users',
        '25 com.acme.shop.web.UserController.update (method) | PUT /api/users/{id} | PATCH /api/users/{id}',
      ],
    });
  });

  it('ASP.NET: [Route("api/[controller]")] + [HttpGet], absolute templates, minimal APIs and MapGroup, ActivitySource', async () => {
    assert.deepEqual(await map('csharp-aspnet'), {
      'Controllers/UsersController.cs': [
        '12 Acme.Shop.Controllers.UsersController.UsersController (method)',
        '14 Acme.Shop.Controllers.UsersController.Get (method) | GET /api/Users/{id:int}',
        '17 Acme.Shop.Controllers.UsersController.Create (method) | POST /api/Users',
        '20 Acme.Shop.Controllers.UsersController.Status (method) | GET /status',
      ],
      'Endpoints/OrderEndpoints.cs': ['5 Acme.Shop.Endpoints.OrderEndpoints.GetOrder (method) | GET /api/orders/{id}'],
      'Program.cs': ['6 GET /healthz (handler) | GET /healthz'],
      'Services/UserService.cs': [
        '9 Acme.Shop.Services.UserService.LoadAsync (method) | span users.load @Acme.Shop.Users',
        '16 Acme.Shop.Services.UserService.FetchAsync (method) | span FetchAsync @Acme.Shop.Users',
        '22 Acme.Shop.Services.UserService.Audit (method) | span Audit @Acme.Shop.Users',
      ],
    });
  });

  it('FastAPI add_api_route on the app and on an APIRouter mounted with include_router, handlers from other modules', async () => {
    assert.deepEqual(await map('python-fastapi-routes'), {
      'service/api.py': ['6 service.api.list_orders (function) | GET /api/v1/orders', '10 service.api.order (function) | GET /api/v1/orders/{order_id} | DELETE /api/v1/orders/{order_id}'],
      'service/handlers.py': ['6 service.handlers.health (function) | GET /health', '10 service.handlers.create_item (function) | span items.create @service.handlers | POST /items'],
    });
  });

  it('Flask add_url_rule: view_func=, positional endpoint + view function, methods=, on a blueprint re-prefixed at registration', async () => {
    assert.deepEqual(await map('python-flask-rules'), {
      'blog/__init__.py': ['7 blog.create_app (function)'],
      'blog/api.py': [
        '7 blog.api.list_comments (function) | GET /api/v2/posts/<int:post_id>/comments',
        '12 blog.api.CommentAPI.get (method)',
        'unhandled GET /api/v2/comments/<int:comment_id> -> ?',
      ],
      'blog/views.py': [
        '6 blog.views.index (function) | GET /',
        '10 blog.views.show_post (function) | span posts.show @blog.views | GET /posts/<int:post_id>',
        '15 blog.views.new_post (function) | POST /posts',
      ],
    });
  });

  it('JAX-RS: @Path on class and method, @GET/@POST/…, @ApplicationPath, javax and jakarta, sub-resource locators without a route', async () => {
    assert.deepEqual(await map('java-jaxrs'), {
      'src/main/java/com/acme/library/resources/AuthorResource.java': [
        '11 com.acme.library.resources.AuthorResource.byName (method) | span AuthorResource.byName @? | GET /api/authors/{name}',
        '18 com.acme.library.resources.AuthorResource.update (method) | PUT /api/authors/{name}',
      ],
      'src/main/java/com/acme/library/resources/BookResource.java': [
        '23 com.acme.library.resources.BookResource.list (method) | GET /api/books',
        '28 com.acme.library.resources.BookResource.get (method) | span books.lookup @com.acme.library | GET /api/books/{id}',
        '39 com.acme.library.resources.BookResource.create (method) | POST /api/books',
        '46 com.acme.library.resources.BookResource.delete (method) | DELETE /api/books/{id: \\\\d+}', // the Java escape as written
        '52 com.acme.library.resources.BookResource.reviews (method)',
      ],
    });
  });
});
