import * as assert from 'node:assert/strict';
import { mapStackTrace } from '../../../src/mapping/index';

const FILES = [
  'app/services/user_service.py',
  'app/routers/users.py',
  'src/handlers/users.ts',
  'src/app.ts',
  'src/main/java/com/acme/shop/service/UserService.java',
  'internal/orders/handler.go',
  'main.go',
  'Services/UserService.cs',
  'a/index.ts',
  'b/index.ts',
];

type Row = [string | undefined, string | undefined, number | undefined, boolean, string | undefined];
const rows = (text: string): Row[] => mapStackTrace(text, FILES).frames.map((f) => [f.function, f.file, f.line, f.inWorkspace, f.workspacePath]);

describe('mapping: stack traces', () => {
  it('Python traceback', () => {
    const text = `Traceback (most recent call last):
  File "/usr/lib/python3.12/site-packages/fastapi/routing.py", line 301, in app
    raw_response = await run_endpoint_function(
  File "/srv/app/app/routers/users.py", line 12, in get_user
    return await service.load(user_id)
  File "/srv/app/app/services/user_service.py", line 19, in load
    return self.repo.find(user_id)
ValueError: no such user`;
    assert.equal(mapStackTrace(text, FILES).format, 'python');
    assert.deepEqual(rows(text), [
      ['app', '/usr/lib/python3.12/site-packages/fastapi/routing.py', 301, false, undefined],
      ['get_user', '/srv/app/app/routers/users.py', 12, true, 'app/routers/users.py'],
      ['load', '/srv/app/app/services/user_service.py', 19, true, 'app/services/user_service.py'],
    ]);
  });

  it('Node stack with async frames, anonymous frames, file URLs and node internals', () => {
    const text = `Error: not found
    at UserStore.find (/home/dev/shop/src/handlers/users.ts:9:13)
    at async getUser (file:///home/dev/shop/src/handlers/users.ts:23:16)
    at /home/dev/shop/src/app.ts:11:7
    at Layer.handle [as handle_request] (/home/dev/shop/node_modules/express/lib/router/layer.js:95:5)
    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)
    at Object.<anonymous> (/elsewhere/index.ts:1:1)`;
    const t = mapStackTrace(text, FILES);
    assert.equal(t.format, 'javascript');
    assert.deepEqual(rows(text), [
      ['UserStore.find', '/home/dev/shop/src/handlers/users.ts', 9, true, 'src/handlers/users.ts'],
      ['getUser', '/home/dev/shop/src/handlers/users.ts', 23, true, 'src/handlers/users.ts'],
      [undefined, '/home/dev/shop/src/app.ts', 11, true, 'src/app.ts'],
      ['Layer.handle [as handle_request]', '/home/dev/shop/node_modules/express/lib/router/layer.js', 95, false, undefined],
      ['process.processTicksAndRejections', 'node:internal/process/task_queues', 95, false, undefined],
      ['Object.<anonymous>', '/elsewhere/index.ts', 1, false, undefined],
    ]);
    assert.deepEqual(t.frames[5].candidates, undefined, 'a bare file name shared by two workspace files is not a match');
    assert.equal(t.frames[0].column, 13);
  });

  it('Java stack with causes, module prefixes and native frames', () => {
    const text = `java.lang.IllegalStateException: boom
\tat com.acme.shop.service.UserService.load(UserService.java:14)
\tat com.acme.shop.web.UserController.get(UserController.java:17)
\tat java.base/java.lang.Thread.run(Thread.java:833)
\tat jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)
\t... 5 more
Caused by: java.io.IOException: disk
\tat com.acme.shop.service.UserService$Audit.record(UserService.java:28)`;
    assert.equal(mapStackTrace(text, FILES).format, 'java');
    assert.deepEqual(rows(text), [
      ['com.acme.shop.service.UserService.load', 'com/acme/shop/service/UserService.java', 14, true, 'src/main/java/com/acme/shop/service/UserService.java'],
      ['com.acme.shop.web.UserController.get', 'com/acme/shop/web/UserController.java', 17, false, undefined],
      ['java.lang.Thread.run', 'java/lang/Thread.java', 833, false, undefined],
      ['jdk.internal.reflect.NativeMethodAccessorImpl.invoke0', undefined, undefined, false, undefined],
      ['com.acme.shop.service.UserService$Audit.record', 'com/acme/shop/service/UserService.java', 28, true, 'src/main/java/com/acme/shop/service/UserService.java'],
    ]);
  });

  it('Go panic / debug.Stack', () => {
    const text = `goroutine 7 [running]:
github.com/acme/shop/internal/orders.(*Handler).GetOrder(0xc0000a6000, {0x7f0, 0xc0001}, 0xc000200000)
\t/build/shop/internal/orders/handler.go:19 +0x1d4
net/http.HandlerFunc.ServeHTTP(0x0?, {0x7f0, 0xc0001}, 0x0?)
\t/usr/local/go/src/net/http/server.go:2171 +0x29
created by main.main in goroutine 1
\t/build/shop/main.go:24 +0x65`;
    assert.equal(mapStackTrace(text, FILES).format, 'go');
    assert.deepEqual(rows(text), [
      ['github.com/acme/shop/internal/orders.(*Handler).GetOrder', '/build/shop/internal/orders/handler.go', 19, true, 'internal/orders/handler.go'],
      ['net/http.HandlerFunc.ServeHTTP', '/usr/local/go/src/net/http/server.go', 2171, false, undefined],
      ['main.main', '/build/shop/main.go', 24, true, 'main.go'],
    ]);
  });

  it('.NET stack with and without file information', () => {
    const text = `System.InvalidOperationException: boom
   at Acme.Shop.Services.UserService.FetchAsync(Int32 id) in /src/Acme.Shop/Services/UserService.cs:line 18
   at Acme.Shop.Services.UserService.LoadAsync(Int32 id) in C:\\work\\Acme.Shop\\Services\\UserService.cs:line 12
--- End of stack trace from previous location ---
   at Microsoft.AspNetCore.Mvc.Infrastructure.ActionMethodExecutor.Execute(ActionContext ctx)`;
    assert.equal(mapStackTrace(text, FILES).format, 'dotnet');
    assert.deepEqual(rows(text), [
      ['Acme.Shop.Services.UserService.FetchAsync', '/src/Acme.Shop/Services/UserService.cs', 18, true, 'Services/UserService.cs'],
      ['Acme.Shop.Services.UserService.LoadAsync', 'C:\\work\\Acme.Shop\\Services\\UserService.cs', 12, true, 'Services/UserService.cs'],
      ['Microsoft.AspNetCore.Mvc.Infrastructure.ActionMethodExecutor.Execute', undefined, undefined, false, undefined],
    ]);
  });

  it('reports ties instead of guessing, and text that is no stack trace', () => {
    const t = mapStackTrace('Error: x\n    at f (/proj/a/index.ts:1:1)\n    at g (/other/index.ts:2:2)', ['x/a/index.ts', 'y/a/index.ts', 'index.ts']);
    assert.deepEqual(t.frames.map((f) => [f.inWorkspace, f.candidates]), [
      [false, ['x/a/index.ts', 'y/a/index.ts']],
      [true, undefined],
    ]);
    assert.deepEqual(mapStackTrace('just a message', FILES), { format: 'unknown', frames: [] });
  });
});
