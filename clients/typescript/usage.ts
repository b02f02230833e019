// A frontend's calls, typed by the types generated from the API description (schema.d.ts,
// `npm run check`): a path, a header, a body field or an answer that the description no
// longer has makes this file fail to compile.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

type Schemas = components["schemas"];
export type ErrorEnvelope = Schemas["ErrorEnvelope"];
const SECTION = "/api/ecrf/subjects/{subject_uuid}/sections/{section_uuid}";
type Section = typeof SECTION;

// A response header the description declares; one it lacks is `unknown` in the generated
// types, and this makes it `never`, so that reading it fails to compile.
type Declared<T> = unknown extends T ? never : NonNullable<T>;
type SectionETag = Declared<paths[Section]["get"]["responses"][200]["headers"]["ETag"]>;
// The headers a save sends: Pick fails to compile where the description lacks one of them
// (openapi-fetch alone would let an undeclared header through).
type SaveHeaders = Pick<
  NonNullable<paths[Section]["put"]["parameters"]["header"]>,
  "Study-Uuid" | "If-Match" | "Reason-For-Change"
>;

/** The error envelope's one line for a person, with its stable name for a program. */
export function describe(envelope: ErrorEnvelope): string {
  const error: Schemas["Error"] | undefined = envelope.error;
  const fields = Object.keys(error?.fields ?? {});
  return `${error?.internal_name ?? "ERROR"} (${error?.status ?? "?"}): ${error?.message ?? ""}${
    fields.length ? ` [${fields.join(", ")}]` : ""
  }`;
}

export function connect(baseUrl: string) {
  let token: string | undefined;
  const api = createClient<paths>({ baseUrl });
  api.use({
    onRequest({ request }) {
      if (token) request.headers.set("Authorization", `Bearer ${token}`);
      return request;
    },
  });

  return {
    async login(email: string, password: string): Promise<Schemas["UserRead"] | undefined> {
      const { data, error } = await api.POST("/api/auth/login", { body: { email, password } });
      if (error) throw new Error(describe(error));
      token = data.token;
      return data.user;
    },

    async studies(): Promise<Schemas["StudyRead"][]> {
      const { data, error } = await api.GET("/api/studies/", {});
      if (error) throw new Error(describe(error));
      return data;
    },

    /** A section of a subject's eCRF, and the ETag its save sends back in If-Match. */
    async readSection(study: string, subject: string, section: string) {
      const { data, error, response } = await api.GET(SECTION, {
        params: {
          header: { "Study-Uuid": study },
          path: { subject_uuid: subject, section_uuid: section },
        },
      });
      if (error) throw new Error(describe(error));
      const etag: SectionETag = response.headers.get("ETag") ?? "";
      return { entry: data satisfies Schemas["SectionEntryRead"], etag };
    },

    /** Save answers on the version read; a change to saved data says why. The envelope of
     * a refusal (412: changed since that read, 428: a reason is required) is returned. */
    async saveSection(
      study: string,
      subject: string,
      section: string,
      answers: Schemas["SectionAnswersWrite"]["answers"],
      etag: SectionETag,
      reason: string,
    ): Promise<{ saved: Schemas["SectionEntryRead"] } | { refused: ErrorEnvelope }> {
      const header: SaveHeaders = {
        "Study-Uuid": study,
        "If-Match": etag,
        "Reason-For-Change": reason,
      };
      const { data, error } = await api.PUT(SECTION, {
        params: {
          header,
          path: { subject_uuid: subject, section_uuid: section },
        },
        body: { answers },
      });
      if (error) {
        const status: number | undefined = error.error?.status;
        if (status === 412 || status === 428) return { refused: error };
        throw new Error(describe(error));
      }
      return { saved: data };
    },
  };
}

export async function example(baseUrl: string): Promise<void> {
  const client = connect(baseUrl);
  await client.login("investigator@demo.example.org", "a password");
  const [study] = await client.studies();
  if (!study?.uuid) return;
  const { entry, etag } = await client.readSection(study.uuid, "subject-uuid", "section-uuid");
  const outcome = await client.saveSection(
    study.uuid,
    entry.subject ?? "",
    entry.section ?? "",
    { weight: 72 },
    etag,
    "Transcription error",
  );
  console.log(
    "refused" in outcome ? describe(outcome.refused) : `version ${outcome.saved.version}`,
  );
}
