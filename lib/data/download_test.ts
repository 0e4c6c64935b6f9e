import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  writeFile,
} from "node:fs/promises";
import {
  createServer,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import * as tar from "tar";
import { loadCifar10 } from "./cifar10.ts";
import { downloadCifar10 } from "./download.ts";
import { ensureCifar10 } from "./locate.ts";
import { writeFakeCifar10 } from "./test_support.ts";
import { DataError, DownloadError } from "../util/errors.ts";

/** A gzipped tarball of a fake `cifar-10-batches-bin/` (or of `folder`), and its MD5. */
async function fakeArchive(
  folder = "cifar-10-batches-bin",
): Promise<{ bytes: Uint8Array; md5: string }> {
  const root = await mkdtemp(path.join(tmpdir(), "cifar-archive-"));
  try {
    const { dir } = await writeFakeCifar10({ perFile: 3, into: root });
    if (folder !== "cifar-10-batches-bin") {
      await Deno.rename(dir, path.join(root, folder));
    }
    const file = path.join(root, "archive.tar.gz");
    await tar.c({ gzip: true, cwd: root, file }, [folder]);
    const bytes = await readFile(file);
    return { bytes, md5: createHash("md5").update(bytes).digest("hex") };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** Runs `fn` with a local HTTP server, closing it (and its connections) afterwards. */
async function withServer(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
  fn: (baseUrl: string) => Promise<void>,
): Promise<void> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** A parent folder for the data directory, empty at the start of each test. */
async function withParent(
  fn: (parent: string) => Promise<void>,
): Promise<void> {
  const parent = await mkdtemp(path.join(tmpdir(), "cifar-download-"));
  try {
    await fn(parent);
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
}

const archive = await fakeArchive();
const serveArchive = (_: IncomingMessage, response: ServerResponse) => {
  response.writeHead(200, { "content-length": archive.bytes.length });
  response.end(archive.bytes);
};

Deno.test("a missing default directory is downloaded, checked and extracted into place", async () => {
  await withServer(serveArchive, (base) =>
    withParent(async (parent) => {
      const dataDir = path.join(parent, "cifar-10-batches-bin");
      const progress: string[] = [];
      const located = await ensureCifar10({
        env: {},
        defaultDir: dataDir,
        url: `${base}/cifar-10-binary.tar.gz`,
        md5: archive.md5,
        write: (text) => progress.push(text),
        interactive: false,
      });
      assert.deepEqual(located, { dir: dataDir, source: "downloaded" });
      const data = await loadCifar10(dataDir);
      assert.equal(data.train.count, 15);
      assert.equal(data.test.count, 3);
      assert.deepEqual(await readdir(parent), ["cifar-10-batches-bin"]);
      assert.match(progress.at(-1)!, /CIFAR-10 .*KiB\/.*KiB .*\/s .*ETA/);

      // Present now, so the next call finds it without downloading.
      assert.deepEqual(
        await ensureCifar10({
          env: {},
          defaultDir: dataDir,
          url: `${base}/gone`,
        }),
        {
          dir: dataDir,
          source: "project",
        },
      );
    }));
});

Deno.test("CIFAR10_URL and CIFAR10_MD5 override the official archive", async () => {
  let requested = "";
  await withServer((request, response) => {
    requested = request.url ?? "";
    serveArchive(request, response);
  }, (base) =>
    withParent(async (parent) => {
      const dataDir = path.join(parent, "cifar-10-batches-bin");
      const env = {
        CIFAR10_URL: `${base}/mirror/cifar.tgz`,
        CIFAR10_MD5: archive.md5.toUpperCase(),
      };
      await ensureCifar10({ env, defaultDir: dataDir, write: () => {} });
      assert.equal(requested, "/mirror/cifar.tgz");
      assert.equal((await loadCifar10(dataDir)).test.count, 3);
    }));
});

Deno.test("a checksum mismatch reports expected and got, and leaves nothing behind", async () => {
  await withServer(serveArchive, (base) =>
    withParent(async (parent) => {
      const wrong = "0123456789abcdef0123456789abcdef";
      await assert.rejects(
        downloadCifar10(path.join(parent, "cifar-10-batches-bin"), {
          url: `${base}/a.tar.gz`,
          md5: wrong,
          write: () => {},
        }),
        new DownloadError(
          `checksum mismatch for ${base}/a.tar.gz: expected MD5 ${wrong}, got ${archive.md5}`,
        ),
      );
      assert.deepEqual(await readdir(parent), []);
    }));
});

Deno.test("an interrupted transfer leaves no data directory and no temporary files", async () => {
  const cut = (_: IncomingMessage, response: ServerResponse) => {
    response.writeHead(200, { "content-length": archive.bytes.length });
    response.write(
      archive.bytes.subarray(0, archive.bytes.length >> 1),
      () => response.socket?.destroy(),
    );
  };
  await withServer(cut, (base) =>
    withParent(async (parent) => {
      await assert.rejects(
        ensureCifar10({
          env: {},
          defaultDir: path.join(parent, "cifar-10-batches-bin"),
          url: `${base}/a.tar.gz`,
          md5: archive.md5,
          write: () => {},
        }),
        (error: Error) =>
          error instanceof DownloadError &&
          /^download of .*a\.tar\.gz interrupted after /.test(error.message),
      );
      assert.deepEqual(await readdir(parent), []);
    }));
});

Deno.test("HTTP errors, unreachable servers and archives without the folder are DownloadErrors", async () => {
  const other = await fakeArchive("something-else");
  await withServer((request, response) => {
    if (request.url === "/other.tar.gz") {
      response.end(other.bytes);
    } else {
      response.writeHead(404, "Not Found").end();
    }
  }, (base) =>
    withParent(async (parent) => {
      const dest = path.join(parent, "cifar-10-batches-bin");
      await assert.rejects(
        downloadCifar10(dest, { url: `${base}/missing`, write: () => {} }),
        new DownloadError(
          `cannot download ${base}/missing: HTTP 404 Not Found`,
        ),
      );
      await assert.rejects(
        downloadCifar10(dest, {
          url: `${base}/other.tar.gz`,
          md5: other.md5,
          write: () => {},
        }),
        new DownloadError(
          `archive ${base}/other.tar.gz has no cifar-10-batches-bin/data_batch_1.bin`,
        ),
      );
      await assert.rejects(
        downloadCifar10(dest, {
          url: "http://127.0.0.1:1/x.tar.gz",
          write: () => {},
        }),
        /^DownloadError: cannot download http:\/\/127\.0\.0\.1:1\/x\.tar\.gz: /,
      );
      assert.deepEqual(await readdir(parent), []);
    }));
});

Deno.test("leftovers of a killed download are removed by the next one", async () => {
  await withServer(serveArchive, (base) =>
    withParent(async (parent) => {
      const deadPid = 2 ** 22 + 12345; // above Linux's pid_max default, so no such process
      const stale = path.join(
        parent,
        `.cifar-10-batches-bin.partial-${deadPid}-abc123`,
      );
      await mkdir(path.join(stale, "extracted"), { recursive: true });
      await downloadCifar10(path.join(parent, "cifar-10-batches-bin"), {
        url: `${base}/a`,
        md5: archive.md5,
        write: () => {},
      });
      assert.deepEqual(await readdir(parent), ["cifar-10-batches-bin"]);
    }));
});

Deno.test("an unusable destination folder is a one-line DataError naming it", async () => {
  await withParent(async (parent) => {
    const file = path.join(parent, "file");
    await writeFile(file, "not a folder");
    await assert.rejects(
      downloadCifar10(path.join(file, "cifar-10-batches-bin"), {
        url: "http://127.0.0.1:1/x",
      }),
      (error: Error) =>
        error instanceof DataError &&
        error.message.startsWith(
          `${file}: cannot create a temporary download folder: `,
        ),
    );
  });
});
