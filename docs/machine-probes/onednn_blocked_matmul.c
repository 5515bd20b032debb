/*
 * Few-row products x W^T (1024-input weight matrices streamed from memory) on the oneDNN inside
 * libtorch_cpu.so against MKL's sgemm (linear's form), in ms per million weights. libtorch links
 * oneDNN 3.7 statically and exports none of it: the functions are found with nm in the library's
 * .symtab and called at load address + symbol value (the SDK does the same in Java: OneDnn,
 * ElfSymbols). By default the weights are reordered once into the layout oneDNN's matmul chooses
 * ("any", the SDK's blocked weights); PLAIN=1 multiplies the plain row-major weights instead, RT=1
 * creates the primitive for a number of rows given at run time. docs/benchmarks.md, session 19:
 *
 * D=~/.djl.ai/pytorch/2.7.1-20250812-cpu-linux-x86_64
 * echo 'int mkl_serv_intel_cpu_true(void){return 1;}' > /tmp/shim.c && gcc -shared -fPIC -o /tmp/shim.so /tmp/shim.c
 * gcc -O2 docs/machine-probes/onednn_blocked_matmul.c -o /tmp/dnnlprobe -ldl
 * LIB=$D/libtorch_cpu.so OMP_WAIT_POLICY=PASSIVE LD_LIBRARY_PATH=$D LD_PRELOAD=/tmp/shim.so /tmp/dnnlprobe 40 3072 1024
 *
 * (arguments: matrices, their output rows, their input columns)
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <dlfcn.h>
typedef void* P; typedef int st;
typedef struct {int arg; P mem;} exec_arg;
static char* base;
static P sym(const char* name){ /* offset from nm of the hidden symbol */
  char cmd[512]; snprintf(cmd,sizeof cmd,"nm %s | grep ' t %s$' | cut -d' ' -f1",getenv("LIB"),name);
  FILE*f=popen(cmd,"r"); char buf[64]={0}; fgets(buf,64,f); pclose(f); unsigned long off=strtoul(buf,0,16);
  if(!off){printf("no %s\n",name);exit(1);} return base+off;}
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
typedef void (*fgemm_t)(const char*,const char*,const int*,const int*,const int*,const float*,const float*,const int*,const float*,const int*,const float*,float*,const int*);
int main(int argc,char**argv){
  setvbuf(stdout,NULL,_IONBF,0);
  void*h=dlopen(getenv("LIB"),RTLD_NOW|RTLD_GLOBAL); if(!h){printf("%s\n",dlerror());return 1;}
  Dl_info info; dladdr(dlsym(h,"cblas_sgemm_pack"),&info); base=info.dli_fbase;
  fgemm_t gemm=dlsym(h,"sgemm_");
  st (*engine_create)(P*,int,size_t)=sym("dnnl_engine_create");
  st (*stream_create)(P*,P,unsigned)=sym("dnnl_stream_create");
  st (*md_strides)(P*,int,const int64_t*,int,const int64_t*)=sym("dnnl_memory_desc_create_with_strides");
  st (*md_tag)(P*,int,const int64_t*,int,int)=sym("dnnl_memory_desc_create_with_tag");
  st (*matmul_pd)(P*,P,P,P,P,P,P)=sym("dnnl_matmul_primitive_desc_create");
  P (*query_md)(P,int,int)=sym("dnnl_primitive_desc_query_md");
  size_t (*md_size)(P)=sym("dnnl_memory_desc_get_size");
  st (*reorder_pd)(P*,P,P,P,P,P)=sym("dnnl_reorder_primitive_desc_create");
  st (*prim_create)(P*,P)=sym("dnnl_primitive_create");
  st (*mem_create)(P*,P,P,void*)=sym("dnnl_memory_create");
  st (*execute)(P,P,int,exec_arg*)=sym("dnnl_primitive_execute");
  st (*stream_wait)(P)=sym("dnnl_stream_wait");
  st (*set_handle)(P,void*)=sym("dnnl_memory_set_data_handle");
  st (*query_str)(P,int,int,const char**)=sym("dnnl_primitive_desc_query");
  P eng,strm; printf("engine %d\n",engine_create(&eng,1,0)); stream_create(&strm,eng,1);
  int K=atoi(argv[3]),N=atoi(argv[2]),NM=atoi(argv[1]);
  float**W=malloc(NM*sizeof(float*)); float**B=calloc(NM,sizeof(float*));
  int rows[]={1,2,4,8,12,16,24,32};
  for(int i=0;i<NM;i++){W[i]=malloc((size_t)N*K*4); for(size_t j=0;j<(size_t)N*K;j++)W[i][j]=(float)((j*2654435761u)%1000)/1000.f-0.5f;}
  float*x=malloc(64*K*4),*y=malloc(64*N*4),*y2=malloc(64*N*4);
  for(int j=0;j<64*K;j++)x[j]=(float)(j%7)/7.f;
  float one=1,zero=0;
  int64_t wd[2]={K,N}, ws[2]={1,K};
  P wplain; md_strides(&wplain,2,wd,3,ws);
  for(int r=0;r<8;r++){int M=rows[r];
    int64_t sd[2]={M,K}, ss[2]={K,1}, dd[2]={M,N}, ds[2]={N,1};
    P smd,dmd,wany; md_strides(&smd,2,sd,3,ss); md_strides(&dmd,2,dd,3,ds); md_tag(&wany,2,wd,3,1);
    P pd; P wuse=getenv("PLAIN")?wplain:wany; P smd2=smd,dmd2=dmd;
    if(getenv("RT")){int64_t rs[2]={INT64_MIN,K}, rd[2]={INT64_MIN,N}; md_strides(&smd2,2,rs,3,ss); md_strides(&dmd2,2,rd,3,ds);}
    st s=matmul_pd(&pd,eng,smd2,wuse,0,dmd2,0); if(s){printf("pd %d\n",s);return 1;}
    const char* impl=0; query_str(pd,8,0,&impl);
    P wmd=query_md(pd,255,33); size_t wsz=md_size(wmd);
    P prim; prim_create(&prim,pd);
    /* reorder weights */
    P rpd,rprim; reorder_pd(&rpd,wplain,eng,wmd,eng,0); prim_create(&rprim,rpd);
    P msrc,mdst,mw,mwp;
    mem_create(&msrc,smd,eng,x); mem_create(&mdst,dmd,eng,y2); mem_create(&mw,wmd,eng,0); mem_create(&mwp,wplain,eng,0);
    for(int i=0;i<NM;i++) free(B[i]);
    for(int i=0;i<NM;i++){ B[i]=aligned_alloc(64,(wsz+63)/64*64); set_handle(mwp,W[i]); set_handle(mw,B[i]);
      exec_arg a[2]={{1,mwp},{17,mw}}; execute(rprim,strm,2,a); stream_wait(strm);}
    double best[2]={1e9,1e9};
    for(int rep=0;rep<5;rep++){
      double t=now(); for(int i=0;i<NM;i++) gemm("T","N",&N,&M,&K,&one,W[i],&K,x,&K,&zero,y,&N); t=now()-t; if(t<best[0])best[0]=t;
      t=now(); for(int i=0;i<NM;i++){ set_handle(mw,B[i]); exec_arg a[3]={{1,msrc},{33,mw},{17,mdst}}; execute(prim,strm,3,a);} stream_wait(strm); t=now()-t; if(t<best[1])best[1]=t;
    }
    /* check last matrix */
    gemm("T","N",&N,&M,&K,&one,W[NM-1],&K,x,&K,&zero,y,&N);
    double d=0; for(int j=0;j<M*N;j++){double e=y[j]-y2[j]; if(e<0)e=-e; if(e>d)d=e;}
    double blocks=NM*(double)N*K/(1024.0*1024);
    printf("rows %2d ms/1Mparam block: mkl xW^T %.3f  onednn %.3f  (%.1f vs %.1f GB/s) w bytes %zu vs %zu maxdiff %.1e %s\n",M,best[0]*1e3/blocks,best[1]*1e3/blocks,
      blocks*4.194304e-3/best[0], blocks*4.194304e-3/best[1], wsz,(size_t)N*K*4,d, impl?impl:"");
  }
}
